"""The verdict words of `cc verify`'s checks, and the shape of one check's answer."""

from typing import TypeAlias

OK, FAIL, SKIP = "ok", "fail", "skip"
Verdict: TypeAlias = tuple[str, str]  # (OK, FAIL or SKIP; a reason fit to print)
