"""Benchmark `cc report`: a generated ledger of 1,000,000 awards for the sample catalog, reported as HTML
(and JSON), against a floor: the plain SQL counts of the same aggregates in one connection, no catalog.

    .venv/bin/python bench/report.py [--awards 1000000] [--postgres] [--keep]
    .venv/bin/python bench/report.py --awards 20000 --screenshot docs/report.png   # the README's picture

The ledger is generated (tests/report_data.py writes rows straight into it, as `cc ledger copy` does, with
no signing: `cc issue` signs about 200 awards/s on this machine, so a million would take over an hour and
the report reads only the ledger). It is a realistic programme: learners follow the sample catalog's
learning paths with drop-outs and weeks between steps, pick up other skill badges, earn certifications
that expire after their `renewal.valid_for` and are renewed (or not), a few awards are revoked; most
awards fall in the year before `--at`, certifications go back three years.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


from bytecode import compile_cc  # noqa: E402

from cc_cli.core.durations import add_to  # noqa: E402
from cc_cli.core.stamps import utc_stamp  # noqa: E402
from cc_cli.ledger.base import AwardRow  # noqa: E402
from cc_cli.ledger.locate import open_ledger_at  # noqa: E402
from cc_cli.validate.load import load_catalog_model  # noqa: E402
from tests.report_data import ISSUER  # noqa: E402

BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / "_data" / "report"
CATALOG = ROOT / "catalog"
AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
YEAR_START = AT - dt.timedelta(days=365)


def generate(total: int, seed: int = 20) -> Iterator[AwardRow]:
    """`total` award rows, learner by learner (see the module docstring)."""
    catalog = load_catalog_model(CATALOG)
    rng = random.Random(seed)
    paths = [p for p in catalog.paths.values() if p.steps]
    skills = [c.id for c in catalog.credentials.values() if c.classification == "skill" and not c.legacy]
    certifications = [c for c in catalog.credentials.values() if c.classification == "certification"]
    ends = {
        c.id: (c.renewal.valid_for if c.renewal and c.renewal.valid_for else c.expires_after)
        for c in catalog.credentials.values()
    }
    made = 0
    learner = 0

    def row(email: str, cid: str, when: dt.datetime, replaces: AwardRow | None = None) -> AwardRow:
        nonlocal made
        issued = utc_stamp(when)
        duration = ends.get(cid)
        award = AwardRow(
            id=f"urn:uuid:{made:08x}-0000-4000-8000-{seed:012x}",
            row_key=f"bench-{made}",
            credential_id=cid,
            email=email,
            email_lower=email,
            name=f"Learner {learner}",
            salt="salt",
            policy="replace" if replaces is not None else "allow",
            batch_id=1,
            roster_line=made + 2,
            external_id=None,
            issued_at=issued,
            awarded_at=replaces.awarded_at if replaces else issued,
            valid_until=utc_stamp(add_to(when, duration)) if duration else None,
            evidence_url=None,
            evidence_narrative=None,
            status_index=made,
            signed_at=issued,
            state="issued",
            revoked_at=None,
            revoked_reason=None,
            replaces=replaces.id if replaces else None,
            file=f"{made}.json",
            file_sha256="0" * 64,
        )
        if replaces is not None:
            replaces.state, replaces.revoked_at, replaces.revoked_reason = (
                "revoked",
                issued,
                f"superseded by {award.id}",
            )
        elif rng.random() < 0.01:
            award.state, award.revoked_at, award.revoked_reason = "revoked", issued, "awarded in error"
        made += 1
        return award

    while made < total:
        learner += 1
        email = f"learner{learner}@example.com"
        mine: list[AwardRow] = []
        when = YEAR_START + dt.timedelta(seconds=rng.randrange(365 * 86400))
        if rng.random() < 0.7:  # follows a learning path, dropping out along the way
            path = rng.choice(paths)
            for step in path.steps:
                mine.append(row(email, rng.choice(step.options), when))
                when += dt.timedelta(days=rng.randint(5, 60))
                if rng.random() < 0.3 or when >= AT:
                    break
            else:
                if path.leads_to and rng.random() < 0.7 and when < AT:
                    mine.append(row(email, path.leads_to, when))
        for cid in rng.sample(skills, rng.randint(0, 2)):  # other badges during the year
            mine.append(row(email, cid, YEAR_START + dt.timedelta(seconds=rng.randrange(365 * 86400))))
        if rng.random() < 0.25:  # a certification, earned up to three years ago, maybe renewed
            cert = rng.choice(certifications)
            first = AT - dt.timedelta(days=rng.randint(0, 3 * 365))
            award = row(email, cert.id, first)
            mine.append(award)
            if award.valid_until and award.valid_until <= utc_stamp(AT + dt.timedelta(days=60)):
                end = add_to(first, ends[cert.id] or "P3Y")
                if rng.random() < 0.6:
                    renewal_at = end - dt.timedelta(days=rng.randint(-20, 60))  # some a little late
                    if renewal_at < AT:
                        late = renewal_at > end
                        mine.append(row(email, cert.id, renewal_at, None if late else award))
        yield from mine[: max(0, total - (made - len(mine)))]


def write(location: Path | str, total: int) -> float:
    """Fill a fresh ledger; seconds taken."""
    started = time.perf_counter()
    ledger = open_ledger_at(location, create=True)
    try:
        batch = (
            1,
            "bench.csv",
            "0" * 64,
            ISSUER,
            "2020-01-01T00:00:00Z",
            "2020-01-01T00:00:01Z",
            total,
            total,
            0,
            0,
            0,
            None,
        )
        chunk: list[AwardRow] = []
        first = True
        for award in generate(total):
            # A renewal revokes the award it replaces (on the row object), which comes just before it: a
            # chunk never ends between them, so the original is written revoked.
            if len(chunk) >= 100_000 and award.replaces is None:
                ledger.import_rows([batch] if first else [], chunk)
                chunk, first = [], False
            chunk.append(award)
        ledger.import_rows([batch] if first else [], chunk)
    finally:
        ledger.close()
    return time.perf_counter() - started


def floor_sqlite(path: Path) -> float:
    """The same aggregates as plain SQL counts, no catalog, no charts: the least any report must do."""
    statements = [
        "SELECT credential_id, substr(issued_at, 1, 7), COUNT(*) FROM awards WHERE state != 'pending' GROUP BY 1, 2",
        "SELECT credential_id, state, valid_until <= '2026-12-01T00:00:00Z', COUNT(*) FROM awards GROUP BY 1, 2, 3",
        "SELECT credential_id, COUNT(DISTINCT email_lower) FROM awards WHERE state = 'issued' GROUP BY 1",
        "SELECT credential_id, COUNT(*) FROM awards WHERE replaces IS NOT NULL GROUP BY 1",
    ]
    started, cpu = time.perf_counter(), time.process_time()
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    for statement in statements:
        db.execute(statement).fetchall()
    db.close()
    print(f"floor CPU: {time.process_time() - cpu:.2f} s")
    return time.perf_counter() - started


CPU: list[float] = []  # CPU seconds (user + system) of each timed run, in order


def timed(*args: str) -> float:
    """Wall seconds of one `cc` run (its CPU seconds go to CPU: on a shared machine they vary less)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "cc"), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"cc {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--awards", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="a throw-away local PostgreSQL server (tests/pg.py)")
    parser.add_argument("--screenshot", type=Path, help="also write a PNG of the HTML report (headless Chromium)")
    parser.add_argument("--from", dest="start", help="report this period only (--from/--to of cc report)")
    parser.add_argument("--to", dest="end")
    parser.add_argument("--reuse", action="store_true", help="report on the SQLite ledger of the last run again")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    reuse = args.reuse and not args.postgres and (WORK / "ledger.sqlite3").exists()
    if WORK.exists() and not reuse:
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    server = None
    location: Path | str = WORK / "ledger.sqlite3"
    if args.postgres:
        from tests.pg import Server

        server = Server(durable=True)
        location = server.new_database("bench")
    try:
        if not reuse:
            filled = write(location, args.awards)
            kind = "PostgreSQL" if server else "SQLite"
            print(f"generated {args.awards:,} awards into the {kind} ledger in {filled:.1f} s")
            if server is not None:
                # A live server's autovacuum gathers the planner's statistics within a minute of a bulk load;
                # without them PostgreSQL plans the report as if the table were empty (a third slower here).
                server.sql("VACUUM ANALYZE awards", "bench")
        period = [*(["--from", args.start] if args.start else []), *(["--to", args.end] if args.end else [])]
        common = ("--ledger", str(location), "--catalog", str(CATALOG), "--at", AT.date().isoformat(), *period)
        html = WORK / "report.html"
        seconds = {
            "html": timed("report", *common, "--out", str(html)),
            "json": timed("report", *common, "--format", "json", "--out", str(WORK / "report.json")),
        }
        again = timed("report", *common, "--out", str(html))
        print(
            f"cc report --format html: {seconds['html']:.2f} s wall, {CPU[0]:.2f} s CPU (again {again:.2f} s, "
            f"{CPU[2]:.2f} s CPU); --format json: {seconds['json']:.2f} s wall, {CPU[1]:.2f} s CPU"
        )
        print(f"HTML file: {html.stat().st_size / 1024:.0f} KiB")
        if not server:
            floor = floor_sqlite(Path(location))
            print(
                f"floor (plain SQL counts of the same aggregates): {floor:.2f} s; ratio html/floor {min(seconds['html'], again) / floor:.1f}x, json/floor {seconds['json'] / floor:.1f}x"
            )
        if args.screenshot:
            shot(html, args.screenshot)
            print(f"screenshot: {args.screenshot}")
    finally:
        if server is not None:
            server.stop()


def shot(html: Path, png: Path) -> None:
    """A PNG of the top of the report, as a 1280-px-wide browser window shows it."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,2200",
         f"--screenshot={png.resolve()}", html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


if __name__ == "__main__":
    main()
