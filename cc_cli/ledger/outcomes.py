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
- superseded: revoked because a later award replaced it (another award's `replaces` names it): a
  correction (`duplicates: replace`), or a renewal made before renewals stopped revoking (`renew`). A renewed
  award that runs to its own end is active or expired like any other;
- revoked: revoked for any other reason;
- active at `now`: issued, not revoked, and no `valid_until` or one after `now`; expired: its `valid_until`
  is at or before `now`;
- earned (for funnels): issued or renewed, i.e. not pending and not revoked for a reason of its own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cc_cli.ledger.base import AwardLedger

# The awards this ledger issued, with the columns the report reads.
LEDGER_AWARDS = (
    "SELECT id, credential_id, email, email_lower, name, issued_at, valid_until, state, replaces, "
    "'cc' AS source FROM awards"
)

# Awards issued elsewhere (`cc import awards`, schema 4), marked by their source ('credly'...): the source's
# own "expired" is an award that was valid, so it reads as issued with its end; a rejected record counts nowhere.
EXTERNAL_AWARDS = (
    "SELECT id, credential_id, email, email_lower, name, issued_at, valid_until, "
    "CASE WHEN state = 'revoked' THEN 'revoked' ELSE 'issued' END AS state, NULL AS replaces, source "
    "FROM external_awards WHERE state != 'rejected'"
)


def awards_relation(ledger: AwardLedger) -> str:
    """What the report counts: this ledger's awards, and the imported ones where the ledger has any.

    Without imported awards the relation is the awards alone: SQLite cannot flatten a UNION ALL into an
    aggregate, so even an empty second arm costs every statement a co-routine step per award (about a
    quarter of its time on a million). An import committed after this look counts from the next report on,
    as if this one had run a moment earlier."""
    if ledger.has_external_awards() and ledger.select("SELECT 1 FROM external_awards LIMIT 1"):
        return f"{LEDGER_AWARDS} UNION ALL {EXTERNAL_AWARDS}"
    return LEDGER_AWARDS


# The ids of the awards a renewal replaced, found once per statement: written inline, each `IN (SELECT ...)`
# is a scan of the awards of its own (PostgreSQL plans one hashed subplan per occurrence, and the
# per-learner statement has one per path stage).
RENEWED_CTE = "renewed AS (SELECT replaces AS id FROM awards WHERE replaces IS NOT NULL)"
_RENEWED = "state = 'revoked' AND id IN (SELECT id FROM renewed)"
_ACTIVE = "state = 'issued' AND (valid_until IS NULL OR valid_until > ?)"
_EARNED = f"(state = 'issued' OR ({_RENEWED}))"
_NEVER = "9999-12-31T23:59:59Z"  # the end of an award without one
_SEP = ":"  # between a credential id and its lapse class in `learners`' lists (ids are slugs: no ':' or ',')
_LAPSE_ORDER = "sln"  # soon < later < not within the horizons


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
class Counted:
    """Awards issued in the window of one credential and source, in one month, in one state at `now`
    (active | expired | superseded | revoked)."""

    credential_id: str
    source: str
    month: int  # the interval index of `bucket_sql`
    state: str
    awards: int


@dataclass(frozen=True, slots=True)
class Holding:
    """How many learners hold a credential now, and how many of them lapse within the two horizons."""

    credential_id: str
    holders: int
    expiring_soon: int  # within the first horizon (60 days)
    expiring_later: int  # within the second (90 days), the first included


@dataclass(slots=True)
class Learners:
    """What `Outcomes.learners` counts learner by learner."""

    holdings: list[Holding] = field(default_factory=list)
    # (the credentials a learner holds now, how many learners hold exactly those): skills are counted from
    # these in Python, each learner once per skill, without a row per learner leaving the database.
    holdings_sets: list[tuple[frozenset[str], int]] = field(default_factory=list)
    # (path, stage, whole days from the stage before, learners): see `learners`.
    funnels: list[tuple[int, int, int, int]] = field(default_factory=list)

    @classmethod
    def combined(cls, parts: Sequence[Learners]) -> Learners:
        """The counts of learners split into disjoint groups (`Outcomes.learner_split`), as one."""
        holdings: dict[str, list[int]] = {}
        for part in parts:
            for holding in part.holdings:
                counts = holdings.setdefault(holding.credential_id, [0, 0, 0])
                counts[0] += holding.holders
                counts[1] += holding.expiring_soon
                counts[2] += holding.expiring_later
        return cls(
            [Holding(cid, *counts) for cid, counts in sorted(holdings.items())],
            [held for part in parts for held in part.holdings_sets],
            [funnel for part in parts for funnel in part.funnels],
        )


SPLIT_AT = 200_000  # awards from which `learners` runs in two halves, one per core


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

    def __init__(self, ledger: AwardLedger, relation: str | None = None) -> None:
        self.ledger = ledger
        relation = relation or awards_relation(ledger)
        self.relation = f"({relation}) AS a"
        self.mixed = relation != LEDGER_AWARDS  # imported awards beside this ledger's: `source` may vary
        ledger.prepare_aggregates()

    def _select(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        return self.ledger.select(sql, params)

    def counted(
        self, window: Window, now: str, bounds: Sequence[str], utc_months: Sequence[str] | None = None
    ) -> list[Counted]:
        """The awards issued in the window by credential, source, month (`bucket_sql` over `bounds`) and
        state at `now`: one scan of the awards. With `utc_months` (the months, 'YYYY-MM', when they are UTC
        months: `bounds` are then their first instants) the month is the stamp's first seven characters,
        mapped to its index here: far cheaper per row than the CASE that any zone's month needs."""
        if utc_months is not None:
            bucket, bucket_params = "substr(issued_at, 1, 7)", list[object]()
        else:
            bucket, bucket_params = bucket_sql("issued_at", bounds)
        where, params = window.sql()
        # The states as sums in each group, not a grouping term, and the source only where it varies: grouped
        # by UTC month and credential alone, SQLite reads the groups in the order of an index (the SQLite
        # ledger's `awards_by_month`) and sorts nothing.
        source, grouping = ("source", "1, 2, 3") if self.mixed else ("MIN(source)", "1, 3")
        rows = self._select(
            f"WITH {RENEWED_CTE} SELECT credential_id, {source}, {bucket}, COUNT(*), "
            "SUM(CASE WHEN state = 'revoked' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {_RENEWED} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN state != 'revoked' AND valid_until IS NOT NULL AND valid_until <= ? THEN 1 ELSE 0 END) "
            f"FROM {self.relation} WHERE state != 'pending'{where} GROUP BY {grouping}",
            [*bucket_params, now, *params],
        )
        merged: dict[tuple[str, str, int, str], int] = {}
        last = len(utc_months) - 1 if utc_months is not None else 0
        for c, src, month, total, revoked, superseded, expired in rows:
            # As `bucket_sql` does: a month before the first counts in the first, one after the last in the last.
            index = int(month) if utc_months is None else min(max(bisect_right(utc_months, str(month)) - 1, 0), last)
            by_state = {
                "active": int(total) - int(revoked) - int(expired),
                "expired": int(expired),
                "superseded": int(superseded),
                "revoked": int(revoked) - int(superseded),
            }
            for state, count in by_state.items():
                if count:
                    key = (str(c), str(src), index, state)
                    merged[key] = merged.get(key, 0) + count
        return [Counted(*key, awards) for key, awards in merged.items()]

    def learner_split(self) -> str | None:
        """An email (lower case) that splits this ledger's learners into two halves of about as many awards,
        for `learners` to count each half on a connection of its own; None for a ledger too small to gain."""
        ((awards,),) = self._select("SELECT COUNT(*) FROM awards", [])
        if int(awards) < SPLIT_AT:
            return None
        found = self._select("SELECT email_lower FROM awards ORDER BY email_lower LIMIT 1 OFFSET ?", [int(awards) // 2])
        return str(found[0][0]) if found else None

    def learners(
        self,
        window: Window,
        now: str,
        soon: str,
        later: str,
        paths: Sequence[Sequence[Sequence[str]]],
        emails: tuple[str | None, str | None] = (None, None),
    ) -> Learners:
        """Counts per learner, in one statement over one scan of the awards issued in the window:
        - holdings: per credential, the learners holding an active award now, and those whose last active
          award of it ends by `soon` and by `later` (a learner who renewed lapses when the renewal does, as
          `cc expiring` counts);
        - holdings_sets: the sets of credentials learners hold now, with how many hold each set;
        - funnels: for each path (a list of stages, each a list of credential ids), the learners who earned
          one credential of every stage up to and including `stage` (0-based), grouped by the whole days
          between their first award of the stage before and of this one (0 for stage 0).
        `emails`: only the learners whose email (lower case) is at or after the first and before the second."""
        where, params = window.sql()
        for bound, operator in zip(emails, (">=", "<"), strict=True):
            if bound is not None:
                where += f" AND email_lower {operator} ?"
                params.append(bound)
        # One row per learner (one sort of the awards): the credentials held now, each with when its award
        # lapses ('s' by `soon`, 'l' by `later`, 'n' later or never), and per path and stage the first award
        # earned. Python takes, per credential, the latest lapse of a learner's awards.
        lapse = "CASE WHEN valid_until IS NULL THEN 'n' WHEN valid_until <= ? THEN 's' WHEN valid_until <= ? THEN 'l' ELSE 'n' END"
        columns = [
            f"{self.ledger.id_list(f'CASE WHEN {_ACTIVE} THEN credential_id || {_SEP!r} || {lapse} END')} AS held"
        ]
        column_params: list[object] = [now, soon, later]
        parts = ["SELECT 's', held, COUNT(*), 0, 0 FROM learners WHERE held IS NOT NULL GROUP BY held"]
        # Each path's learners (those who earned its first stage) apart, so that each stage's count scans the
        # few rows of its path, not one row per learner: a million awards have a third as many learners.
        path_ctes = []
        for number, stages in enumerate(paths):
            path_ctes.append(
                f"path{number} AS (SELECT {', '.join(f'p{number}s{k}' for k in range(len(stages)))} FROM learners "
                f"WHERE p{number}s0 IS NOT NULL)"
            )
            for index, stage in enumerate(stages):
                columns.append(
                    f"MIN(CASE WHEN credential_id IN ({_marks(stage)}) AND {_EARNED} THEN issued_at END) AS p{number}s{index}"
                )
                column_params.extend(stage)
                held = " AND ".join(f"p{number}s{k} IS NOT NULL" for k in range(1, index + 1)) or "1 = 1"
                gap = (
                    "0"
                    if index == 0
                    else f"ROUND({self.ledger.days_between(f'p{number}s{index - 1}', f'p{number}s{index}')})"
                )
                parts.append(
                    f"SELECT 'f', '{number}', {index}, {gap}, COUNT(*) FROM path{number} WHERE {held} GROUP BY 4"
                )
        ctes = [
            RENEWED_CTE,
            f"learners AS (SELECT {', '.join(columns)} FROM {self.relation} "
            f"WHERE state != 'pending'{where} GROUP BY email_lower)",
            *path_ctes,
        ]
        rows = self._select(f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}", [*column_params, *params])
        found = Learners()
        holdings: dict[str, list[int]] = {}
        for kind, key, a, b, c in rows:
            if kind == "s":
                latest: dict[str, str] = {}
                for item in str(key).split(","):
                    cid, _, when = item.rpartition(_SEP)
                    latest[cid] = max(latest.get(cid, "s"), when, key=_LAPSE_ORDER.index)
                found.holdings_sets.append((frozenset(latest), int(a)))
                for cid, when in latest.items():
                    counts = holdings.setdefault(cid, [0, 0, 0])
                    counts[0] += int(a)
                    counts[1] += int(a) if when == "s" else 0
                    counts[2] += int(a) if when in "sl" else 0
            elif int(c):
                found.funnels.append((int(key), int(a), int(b or 0), int(c)))
        found.holdings = [Holding(cid, *counts) for cid, counts in sorted(holdings.items())]
        return found

    def renewals(self, window: Window, now: str, credential_ids: Sequence[str]) -> list[tuple[str, int, int]]:
        """[(credential, awards that reached their end, of them renewed in time)] for these credentials:
        awards (not revoked for a reason of their own) whose `valid_until` lies in the window and at or
        before `now`; renewed in time when the same learner received another award of the credential after
        it and no later than its end."""
        if not credential_ids:
            return []
        where, params = window.sql("valid_until")
        rows = self._select(
            f"WITH {RENEWED_CTE} SELECT credential_id, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM awards b WHERE "
            "b.email_lower = a.email_lower AND b.credential_id = a.credential_id AND b.state != 'pending' "
            "AND b.issued_at > a.issued_at AND b.issued_at <= a.valid_until) THEN 1 ELSE 0 END) "
            f"FROM {self.relation} WHERE credential_id IN ({_marks(credential_ids)}) AND {_EARNED} "
            f"AND valid_until IS NOT NULL AND valid_until <= ?{where} GROUP BY credential_id",
            [*credential_ids, now, *params],
        )
        return [(str(cid), int(ended), int(renewed or 0)) for cid, ended, renewed in rows]

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
