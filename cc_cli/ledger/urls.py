"""PostgreSQL URLs as cc shows them: the password, wherever the URL carries it, masked as `***`."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: object) -> bool:
    """Whether a location names a PostgreSQL database (anything else is an SQLite path)."""
    return isinstance(location, str) and location.lower().startswith(URL_SCHEMES)


def url_password(url: str) -> str | None:
    """The password a PostgreSQL URL carries (user:password@, or ?password=), or None."""
    parts = urlsplit(url)
    try:
        password = parts.password
    except ValueError:
        password = None
    if password:
        return password
    for name, value in parse_qsl(parts.query):
        if name == "password" and value:
            return value
    return None


_USERINFO_PASSWORD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*):[^/@]*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def masked(location: str | Path) -> str:
    """The location as messages show it: a URL's password replaced by `***` (a path as it is)."""
    text = str(location)
    if not is_url(text):
        return text
    text = _USERINFO_PASSWORD.sub(r"\1:***@", text)
    return _QUERY_PASSWORD.sub(r"\1***", text)


def scrub(message: str, location: str | Path) -> str:
    """A message (a driver's error) with the location's password, should it quote it, masked."""
    password = url_password(str(location)) if is_url(location) else None
    return message.replace(password, "***") if password else message
