"""Reporters: turn problems into text, JSON, GitHub annotations or JUnit XML. Pure functions, no I/O.

Chosen by name from `REPORTERS`, as check-jsonschema does. The JSON shape is part of the contract
(BRIEF section 5): {"problems": [{code, severity, path, line, column, message}], "summary": {...}}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from cc_cli.core.problems import ERROR, Problem

Reporter = Callable[[Sequence[Problem], Sequence[str], str], str]


def summary_line(problems: Sequence[Problem], files: Sequence[str]) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return f"{len(files)} files checked: no problems"
    return f"{len(files)} files checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def text(problems: Sequence[Problem], files: Sequence[str], prefix: str) -> str:
    """`catalog/credentials/x.yaml:12:5: error CC209 message`, one per line, as compilers print."""
    lines = [f"{prefix}{p.path}:{p.line}:{p.column}: {p.severity} {p.code} {p.message}" for p in problems]
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


def as_json(problems: Sequence[Problem], files: Sequence[str], prefix: str) -> str:
    errors = sum(p.severity == ERROR for p in problems)
    payload = {
        "problems": [{**p.as_dict(), "path": prefix + p.path} for p in problems],
        "summary": {"files": len(files), "errors": errors, "warnings": len(problems) - errors},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _github_escape(value: str, property_value: bool = False) -> str:
    # Workflow commands percent-encode these so a message cannot inject another command.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github(problems: Sequence[Problem], files: Sequence[str], prefix: str) -> str:
    """GitHub Actions workflow annotations, shown on the pull request's changed lines."""
    lines = []
    for p in problems:
        level = "error" if p.severity == ERROR else "warning"
        path = _github_escape(prefix + p.path, property_value=True)
        title = _github_escape(p.code, property_value=True)
        lines.append(f"::{level} file={path},line={p.line},col={p.column},title={title}::{_github_escape(p.message)}")
    lines.append(summary_line(problems, files))
    return "\n".join(lines) + "\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Escape for XML and drop characters XML 1.0 cannot hold (a hostile file may put them in messages)."""
    return escape(_XML_INVALID.sub("\ufffd", value))


def junit(problems: Sequence[Problem], files: Sequence[str], prefix: str) -> str:
    """JUnit XML with one test case per file, failing when the file has problems."""
    by_file: dict[str, list[Problem]] = {path: [] for path in files}
    for p in problems:
        by_file.setdefault(p.path, []).append(p)
    failures = sum(1 for found in by_file.values() if found)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="cc validate" tests="{len(by_file)}" failures="{failures}">',
        f'  <testsuite name="cc validate" tests="{len(by_file)}" failures="{failures}">',
    ]
    for path, found in by_file.items():
        name = quoteattr(_XML_INVALID.sub("\ufffd", prefix + path))
        if not found:
            out.append(f'    <testcase classname="cc.validate" name={name}/>')
            continue
        out.append(f'    <testcase classname="cc.validate" name={name}>')
        message = quoteattr(f"{len(found)} problem(s)")
        body = "\n".join(f"{p.line}:{p.column} {p.severity} {p.code} {p.message}" for p in found)
        out.append(f'      <failure message={message} type="cc">{_xml_text(body)}</failure>')
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


REPORTERS: dict[str, Reporter] = {"text": text, "json": as_json, "github": github, "junit": junit}
