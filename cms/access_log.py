"""Access logs that cannot name a resident or hold a code that admitted one.

gunicorn (`logger_class` in cms/gunicorn.conf.py) and Django's development server
(`django.server` in the settings' LOGGING) log requests through here: the client's
address, user agent and referrer are blanked whatever the log format asks for, query
strings (where invitation and resume codes travel) are left out, and a code in the
path of an older printed link (`/invite/<code>/`, `/resume/<code>/`) is replaced by
`…`. What is left: the time, the method, the page, the status, the size, the duration.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

_CODE_IN_PATH = re.compile(r"/(invite|resume)/[^/?#\s\"]+")
HIDDEN = "…"


def redact_path(path: str) -> str:
    """`path` without its query string and without a code in it."""
    path = path.split("?", 1)[0]
    return _CODE_IN_PATH.sub(rf"/\1/{HIDDEN}", path)


def redact_request_line(line: str) -> str:
    """'GET /x/invite/7KQ4MX2P/?a=b HTTP/1.1' → 'GET /x/invite/…/ HTTP/1.1'."""
    parts = line.split(" ")
    if len(parts) >= 2:
        parts[1] = redact_path(parts[1])
    return " ".join(parts)


class RedactingLogger(Logger):
    """gunicorn's logger, with the atoms of the access log made safe (see the module)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["h"] = atoms["a"] = atoms["f"] = "-"
        atoms["q"] = ""
        atoms["U"] = redact_path(atoms["U"])
        atoms["r"] = redact_request_line(atoms["r"])
        # Headers by name ({x-forwarded-for}i and the like) are left out too.
        for key in [key for key in atoms if key.startswith("{")]:
            atoms[key] = "-"
        return atoms


class RedactCodes(logging.Filter):
    """For Django's development server: its request line without query or code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            record.args = (redact_request_line(record.args[0]), *record.args[1:])
        return True
