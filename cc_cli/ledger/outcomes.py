"""Programme outcomes as SQL aggregates: what `cc report` counts, computed by the database.

Every figure is a GROUP BY over the awards, so a report of a million awards moves a few hundred rows into
Python, never the awards themselves. The SQL is the same text for both backends (`AwardLedger.select`
takes `?` placeholders; `days_between` is the one expression that differs).

The awards are read through `relation`, a sub-select with the columns the report needs and a `source`
column ('cc' for the awards this ledger issued). Imported awards (an `external_awards` table, once that
lands) join it with `UNION ALL` and their own `source`: the funnels and holder counts then see one learner
across both, and every per-credential count is split by source, so the report can mark imported ones.

Words used below:
- issued in the window: `issued_at` in [start, end) (UTC stamps; None: open);
- pending awards (their file not yet written) count nowhere;
- renewed (superseded): revoked because a renewal replaced it (another award's `replaces` names it);
- revoked: revoked for any other reason;
- active at `now`: issued, not revoked, and no `valid_until` or one after `now`; expired: its `valid_until`
  is at or before `now`;
- earned (for funnels): issued or renewed, i.e. not pending and not revoked for a reason of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cc_cli.ledger.base import AwardLedger

# The awards this ledger issued, with the columns the report reads.
LEDGER_AWARDS = (
    "SELECT id, credential_id, email, email_lower, name, issued_at, valid_until, state, replaces, "
    "'cc' AS source FROM awards"
)

_RENEWED = "state = 'revoked' AND id IN (SELECT replaces FROM awards WHERE replaces IS NOT NULL)"
_ACTIVE = "state = 'issued' AND (valid_until IS NULL OR valid_until > ?)"
_EARNED = f"(state = 'issued' OR ({_RENEWED}))"
_NEVER = "9999-12-31T23:59:59Z"  # the end of an award without one


@dataclass(frozen=True, slots=True)
class Window:
    """A period of UTC stamps, start inclusive, end exclusive; None on either side: open."""

    start: str | None = None
    end: str | None = None

    def sql(self, column: str = "issued_at") -> tuple[str, list[object]]:
        """` AND ...` restricting `column` to the window, and its parameters."""
        text, params = "", list[object]()
        if self.start is not None:
            text += f" AND {column} >= ?"
            params.append(self.start)
        if self.end is not None:
            text += f" AND {column} < ?"
            params.append(self.end)
        return text, params


@dataclass(frozen=True, slots=True)
class CredentialCounts:
    """One credential's awards issued in the window (of one source), by their state at `now`."""

    credential_id: str
    source: str
    awards: int
    active: int
    expired: int
    renewed: int
    revoked: int


@dataclass(frozen=True, slots=True)
class Holding:
    """How many learners hold a credential now, and how many of them lapse within the two horizons."""

    credential_id: str
    holders: int
    expiring_soon: int  # within the first horizon (60 days)
    expiring_later: int  # within the second (90 days), the first included


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def bucket_sql(column: str, bounds: Sequence[str]) -> tuple[str, list[object]]:
    """An SQL expression giving the index of the interval of `bounds` (sorted stamps) that `column` falls
    in: 0 before bounds[0], i for bounds[i-1] <= column < bounds[i], len(bounds) from the last on. A nested
    CASE that halves the range at each level, so a row costs log2(len(bounds)) comparisons, not one per
    month."""

    def node(low: int, high: int) -> tuple[str, list[object]]:  # the index lies in [low, high]
        if low == high:
            return str(low), []
        middle = (low + high + 1) // 2  # bounds[middle - 1] separates [low, middle - 1] from [middle, high]
        left, left_params = node(low, middle - 1)
        right, right_params = node(middle, high)
        return (
            f"CASE WHEN {column} < ? THEN {left} ELSE {right} END",
            [bounds[middle - 1], *left_params, *right_params],
        )

    return node(0, len(bounds))


class Outcomes:
    """The aggregates of one ledger (see the module docstring); each method is one statement."""

    def __init__(self, ledger: AwardLedger, relation: str = LEDGER_AWARDS) -> None:
        self.ledger = ledger
        self.relation = f"({relation}) AS a"

    def _select(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        return self.ledger.select(sql, params)

    def span(self, window: Window) -> tuple[str | None, str | None]:
        """The first and last `issued_at` of the awards issued in the window (None, None: there are none)."""
        where, params = window.sql()
        rows = self._select(
            f"SELECT MIN(issued_at), MAX(issued_at) FROM {self.relation} WHERE state != 'pending'{where}", params
        )
        return (rows[0][0], rows[0][1]) if rows else (None, None)

    def monthly(self, window: Window, bounds: Sequence[str]) -> list[tuple[str, int, int]]:
        """[(credential id, interval index of `bucket_sql`, awards)] for the awards issued in the window."""
        bucket, bucket_params = bucket_sql("issued_at", bounds)
        where, params = window.sql()
        rows = self._select(
            f"SELECT credential_id, {bucket}, COUNT(*) FROM {self.relation} WHERE state != 'pending'{where} "
            "GROUP BY 1, 2",
            [*bucket_params, *params],
        )
        return [(str(cid), int(index), int(count)) for cid, index, count in rows]

    def credentials(self, window: Window, now: str) -> list[CredentialCounts]:
        """Per credential and source: the awards issued in the window and their state at `now`."""
        where, params = window.sql()
        rows = self._select(
            f"SELECT credential_id, source, COUNT(*), "
            f"SUM(CASE WHEN {_ACTIVE} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN state = 'issued' AND valid_until <= ? THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {_RENEWED} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN state = 'revoked' THEN 1 ELSE 0 END) "
            f"FROM {self.relation} WHERE state != 'pending'{where} GROUP BY credential_id, source",
            [now, now, *params],
        )
        return [
            CredentialCounts(
                str(cid), str(source), int(n), int(active), int(expired), int(renewed), int(revoked) - int(renewed)
            )
            for cid, source, n, active, expired, renewed, revoked in rows
        ]

    def _held(self, window: Window, now: str) -> tuple[str, list[object]]:
        """A sub-select of (credential, learner, when their last active award of it ends)."""
        where, params = window.sql()
        return (
            f"SELECT credential_id, email_lower, MAX(COALESCE(valid_until, '{_NEVER}')) AS ends "
            f"FROM {self.relation} WHERE {_ACTIVE}{where} GROUP BY credential_id, email_lower",
            [now, *params],
        )

    def holdings(self, window: Window, now: str, soon: str, later: str) -> list[Holding]:
        """Per credential: learners holding an active award now, and those whose last one ends by `soon`
        and by `later` (a learner who renewed lapses when the renewal does, as `cc expiring` counts)."""
        held, params = self._held(window, now)
        rows = self._select(
            "SELECT credential_id, COUNT(*), SUM(CASE WHEN ends <= ? THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN ends <= ? THEN 1 ELSE 0 END) FROM ({held}) AS held GROUP BY credential_id",
            [soon, later, *params],
        )
        return [Holding(str(cid), int(n), int(s or 0), int(lt or 0)) for cid, n, s, lt in rows]

    def renewals(self, window: Window, now: str, credential_ids: Sequence[str]) -> list[tuple[str, int, int]]:
        """[(credential, awards that reached their end, of them renewed in time)] for these credentials:
        awards (not revoked for a reason of their own) whose `valid_until` lies in the window and at or
        before `now`; renewed in time when the same learner received another award of the credential after
        it and no later than its end."""
        if not credential_ids:
            return []
        where, params = window.sql("valid_until")
        rows = self._select(
            "SELECT credential_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM awards b WHERE "
            "b.email_lower = a.email_lower AND b.credential_id = a.credential_id AND b.state != 'pending' "
            "AND b.issued_at > a.issued_at AND b.issued_at <= a.valid_until) THEN 1 ELSE 0 END) "
            f"FROM {self.relation} WHERE credential_id IN ({_marks(credential_ids)}) AND {_EARNED} "
            f"AND valid_until IS NOT NULL AND valid_until <= ?{where} GROUP BY credential_id",
            [*credential_ids, now, *params],
        )
        return [(str(cid), int(ended), int(renewed or 0)) for cid, ended, renewed in rows]

    def skills(self, window: Window, now: str, skill_of: Sequence[tuple[str, str]]) -> list[tuple[str, int]]:
        """[(skill, learners holding an active award of a credential that names it)] from (skill, credential
        id) pairs; each learner counts once per skill."""
        if not skill_of:
            return []
        held, params = self._held(window, now)
        values = ", ".join("(?, ?)" for _ in skill_of)
        rows = self._select(
            f"WITH skill_map (skill, credential_id) AS (VALUES {values}) "
            f"SELECT m.skill, COUNT(DISTINCT h.email_lower) FROM ({held}) AS h "
            "JOIN skill_map m ON m.credential_id = h.credential_id GROUP BY m.skill",
            [*(value for pair in skill_of for value in pair), *params],
        )
        return [(str(skill), int(n)) for skill, n in rows]

    def funnel(self, window: Window, stages: Sequence[Sequence[str]]) -> list[tuple[int, int, int]]:
        """[(stage, days from the stage before, learners)]: learners who earned (in the window) one of the
        credentials of every stage up to and including `stage` (0-based), grouped by the whole days between
        their first award of the stage before and of this one (0 for stage 0)."""
        wanted = sorted({cid for stage in stages for cid in stage})
        if not wanted:
            return []
        where, params = window.sql()
        firsts = (
            "SELECT email_lower, credential_id, MIN(issued_at) AS t "
            f"FROM {self.relation} WHERE credential_id IN ({_marks(wanted)}) AND {_EARNED}{where} "
            "GROUP BY email_lower, credential_id"
        )
        columns: list[str] = []
        column_params: list[object] = []
        for index, stage in enumerate(stages):
            columns.append(f"MIN(CASE WHEN credential_id IN ({_marks(stage)}) THEN t END) AS s{index}")
            column_params.extend(stage)
        parts: list[str] = []
        part_params: list[object] = []
        for index in range(len(stages)):
            held = " AND ".join(f"s{k} IS NOT NULL" for k in range(index + 1))
            if index == 0:
                parts.append(f"SELECT 0, 0, COUNT(*) FROM per WHERE {held}")
                continue
            gap = self.ledger.days_between(f"s{index - 1}", f"s{index}")
            parts.append(f"SELECT {index}, ROUND({gap}), COUNT(*) FROM per WHERE {held} GROUP BY 1, 2")
        rows = self._select(
            f"WITH firsts AS ({firsts}), per AS (SELECT email_lower, {', '.join(columns)} FROM firsts "
            f"GROUP BY email_lower) {' UNION ALL '.join(parts)}",
            [*wanted, *params, *column_params, *part_params],
        )
        return [(int(stage), int(gap or 0), int(n)) for stage, gap, n in rows if int(n)]

    def expiring_holders(self, window: Window, now: str, until: str) -> list[tuple[str, str, str, str]]:
        """[(credential, email, name, valid until)] of the learners whose last active award of a credential
        ends after `now` and by `until` (only for `--with-names`)."""
        where, params = window.sql()
        inner, inner_params = window.sql("b.issued_at")
        rows = self._select(
            f"SELECT credential_id, email, name, valid_until FROM {self.relation} WHERE state = 'issued' "
            f"AND valid_until > ? AND valid_until <= ?{where} AND NOT EXISTS (SELECT 1 FROM awards b WHERE "
            "b.credential_id = a.credential_id AND b.email_lower = a.email_lower AND b.state = 'issued' "
            f"AND (b.valid_until IS NULL OR b.valid_until > a.valid_until){inner}) "
            "ORDER BY valid_until, credential_id, email_lower",
            [now, until, *params, *inner_params],
        )
        return [(str(c), str(e), str(n), str(v)) for c, e, n, v in rows]
