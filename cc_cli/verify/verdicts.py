"""The verdict words of `cc verify`'s checks, and the shape of one check's answer.

UNSUPPORTED is its own word, not FAIL: a proof type or cryptosuite cc does not implement says nothing about
the signature, so cc must not call it invalid; it still makes the file not valid (exit 1).
"""

from typing import TypeAlias

OK, FAIL, SKIP, UNSUPPORTED = "ok", "fail", "skip", "unsupported"
FAILING = frozenset({FAIL, UNSUPPORTED})  # the verdicts that make a file not valid
Verdict: TypeAlias = tuple[str, str]  # (OK, FAIL, SKIP or UNSUPPORTED; a reason fit to print)
