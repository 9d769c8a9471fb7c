"""The verdict words of `cc verify`'s checks."""

OK, FAIL, SKIP = "ok", "fail", "skip"
