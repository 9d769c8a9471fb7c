"""What rules see besides the item they check: the whole catalog, and lookups into it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.catalog import model

ASSESSMENT_KINDS = ("assessment", "exam", "performance-test", "project")
THOUGHT_LEADER_VALIDATION = ("sme-review", "board-review", "evidence", "experience")


@dataclass(slots=True)
class Context:
    catalog: model.Catalog
    root: Path = field(default_factory=Path)

    def credential(self, credential_id: str) -> model.Credential | None:
        return self.catalog.credentials.get(credential_id)

    def all_ids(self) -> list[str]:
        return list(self.catalog.credentials)
