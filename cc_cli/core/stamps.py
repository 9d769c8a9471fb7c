"""UTC time stamps as awards and the ledger carry them (XML Schema dateTimeStamp, whole seconds, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_stamp(moment: datetime) -> str:
    """`2027-01-10T00:00:00Z`: the moment in UTC with seconds. A naive datetime is a bug in cc (every moment
    that reaches an award, a ledger row or a report was given a zone when it was read), so it is refused
    rather than guessed to be local time."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached a UTC stamp")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(text: str) -> datetime:
    """A ledger dateTimeStamp ('2027-01-10T00:00:00Z') as an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
