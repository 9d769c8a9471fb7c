"""`add_pending`, the ledger's insert path of `cc issue`: a whole chunk in one statement when nothing in it
conflicts, and, when one award of it does, each award on its own (only that one refused, the others inserted
with consecutive status indexes, nothing of the failed whole-chunk attempt left behind)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cc_cli.ledger.base import AwardRow
from tests.conftest import Backend
from tests.test_verify import award_row


def _pending(index: int, batch: int) -> AwardRow:
    return replace(award_row(index, batch=batch), state="pending", file_sha256=None, status_index=-1)


def _open(tmp_path: Path, backend: Backend):  # type: ignore[no-untyped-def]
    from cc_cli.ledger.locate import open_ledger_at, resolve

    out = tmp_path / "awards"
    out.mkdir()
    return open_ledger_at(resolve(None, out), create=True)


def test_a_clean_chunk_lands_whole_with_consecutive_indexes(tmp_path: Path, backend: Backend) -> None:
    ledger = _open(tmp_path, backend)
    try:
        batch = ledger.start_batch("roster.csv", "0" * 64, "did:key:z", "2025-01-15T00:00:00Z")
        chunk = [(_pending(i, batch), None) for i in range(50)]
        assert ledger.add_pending(chunk, "2025-01-15T00:00:00Z") == [True] * 50
        more = [(_pending(i, batch), None) for i in range(50, 60)]
        assert ledger.add_pending(more, "2025-01-15T00:00:00Z") == [True] * 10
        stored = {row.id: row.status_index for row in ledger.all_awards()}
        indexes = [row.status_index for row, _ in chunk + more]
        assert [stored[row.id] for row, _ in chunk + more] == indexes and len(set(indexes)) == 60
        if backend.kind == "sqlite":
            assert indexes == list(range(60))
    finally:
        ledger.close()


def test_one_conflict_refuses_that_award_only(tmp_path: Path, backend: Backend) -> None:
    ledger = _open(tmp_path, backend)
    try:
        batch = ledger.start_batch("roster.csv", "0" * 64, "did:key:z", "2025-01-15T00:00:00Z")
        assert ledger.add_pending([(_pending(3, batch), None)], "2025-01-15T00:00:00Z") == [True]
        # row 3 again (its row key is taken), and a twin of row 7 inside the same chunk
        twin = replace(_pending(99, batch), row_key=_pending(7, batch).row_key)
        chunk = [(_pending(i, batch), None) for i in range(10)] + [(twin, None)]
        added = ledger.add_pending(chunk, "2025-01-15T00:00:00Z")
        assert added == [i not in (3, 10) for i in range(11)]
        rows = ledger.all_awards()
        assert len(rows) == 10  # row 3 once, rows 0-9 but 3 from the chunk, not the twin
        indexes = sorted(row.status_index for row in rows)
        assert len(set(indexes)) == 10  # PostgreSQL's sequence may leave gaps; SQLite's are consecutive
        if backend.kind == "sqlite":
            assert indexes == list(range(10))
    finally:
        ledger.close()
