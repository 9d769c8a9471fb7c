"""ISO 8601 durations as the catalog writes them (P8H, P6W, P3M, P3Y) and what they add up to.

The brief's own example `P8H` is not strict ISO 8601 (which wants `PT8H`); we accept hours without the `T`
because catalog authors write it that way, and `normalize` gives the strict form for awards and exports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_PARTS = re.compile(
    r"P(?!\Z)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?(?:(?P<H>\d+)H)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?\Z"
)


def parts(duration: str) -> dict[str, int] | None:
    match = _PARTS.match(duration)
    if not match:
        return None
    return {key: int(value) for key, value in match.groupdict().items() if value}


def approximate_days(duration: str) -> float | None:
    """Length in days with a year of 365 and a month of 30 days: for comparisons such as "at least a week"."""
    found = parts(duration)
    if found is None:
        return None
    return (
        found.get("Y", 0) * 365
        + found.get("M", 0) * 30
        + found.get("W", 0) * 7
        + found.get("D", 0)
        + (found.get("h", 0) + found.get("H", 0)) / 24
        + found.get("m", 0) / 1440
        + found.get("s", 0) / 86400
    )


MAX_DAYS = 100 * 365  # no credential is valid, nor takes, longer than a century: a longer one is a typo


class DurationRangeError(ValueError):
    """The sum falls outside the calendar Python can represent (after the year 9999)."""


def too_long(duration: str) -> bool:
    """Whether a well-formed duration is longer than MAX_DAYS (about 100 years)."""
    days = approximate_days(duration)
    return days is not None and days > MAX_DAYS


def is_zero(duration: str) -> bool:
    """Whether a well-formed duration has no length (P0D, PT0S): no catalog duration means that."""
    return approximate_days(duration) == 0


def add_to(moment: dt.datetime, duration: str) -> dt.datetime:
    """`moment` plus `duration` on the calendar: P3Y from 2024-02-29 is 2027-02-28, P1M from 01-31 is 02-28.

    DurationRangeError when the result would lie beyond the year 9999."""
    found = parts(duration)
    if found is None:
        raise ValueError(f"not an ISO 8601 duration: {duration!r}")
    try:
        months = moment.month - 1 + found.get("Y", 0) * 12 + found.get("M", 0)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        shifted = moment.replace(year=year, month=month, day=day)
        return shifted + dt.timedelta(
            weeks=found.get("W", 0),
            days=found.get("D", 0),
            hours=found.get("h", 0) + found.get("H", 0),
            minutes=found.get("m", 0),
            seconds=found.get("s", 0),
        )
    except (OverflowError, ValueError):
        raise DurationRangeError(f"{duration} after {moment:%Y-%m-%d} is beyond the year 9999") from None


def parse_moment(text: str, option: str = "--at") -> dt.datetime:
    """A command's `--at`: a date (midnight UTC) or a date-time (UTC when it has no offset), in UTC.

    UsageError when it is not one, or lies outside the years 2 to 9998 (where adding a renewal window
    or comparing with an award could leave the calendar)."""
    from cc_cli.core.problems import UsageError

    use = "a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ)"
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} {text!r} is not {use}") from None
    try:
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except OverflowError:
        moment = dt.datetime.max.replace(tzinfo=dt.UTC)
    if not 1 < moment.year < 9999:
        raise UsageError(f"{option} {text!r} is too far from today: give a year between 2 and 9998")
    return moment


def describe(duration: str) -> str:
    """'P6W' -> '6 weeks', 'PT8H' -> '8 hours', for people."""
    found = parts(duration)
    if not found:
        return duration
    names = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour", "h": "hour", "m": "minute", "s": "second"}
    words = [f"{count} {names[key]}{'' if count == 1 else 's'}" for key, count in found.items()]
    return ", ".join(words)


def normalize(duration: str) -> str:
    """Strict ISO 8601: 'P8H' -> 'PT8H', 'P1DT2H' stays."""
    found = parts(duration)
    if found is None:
        raise ValueError(f"not an ISO 8601 duration: {duration!r}")
    hours = found.get("h", 0) + found.get("H", 0)
    date = "".join(f"{found[key]}{key}" for key in "YMWD" if key in found)
    time = "".join(
        f"{value}{unit}" for value, unit in ((hours, "H"), (found.get("m", 0), "M"), (found.get("s", 0), "S")) if value
    )
    return f"P{date}" + (f"T{time}" if time else "") if (date or time) else "PT0S"
