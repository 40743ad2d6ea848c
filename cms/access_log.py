"""Access logs that cannot name a resident or hold a code that admitted one.

gunicorn (`logger_class` in cms/gunicorn.conf.py) and Django's loggers (every handler in
the settings' LOGGING) log requests through here: the client's
address, user agent and referrer are blanked whatever the log format asks for, query
strings (where invitation and resume codes travel) are left out, and a code in the
path of an older printed link (`/invite/<code>/`, `/resume/<code>/`) is replaced by
`…`. What is left: the time, the method, the page, the status, the size, the duration.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# Invitation and resume codes in older printed links, and the token of an emailed
# second-factor link (cms/enrolment.py).
_CODE_IN_PATH = re.compile(r"/(invite|resume|enrol)/[^/?#\s\"]+")
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


_REQUEST_LINE = re.compile(r"^[A-Z]+ /")


def _redact_text(value):
    if not isinstance(value, str):
        return value
    if value.startswith("/"):
        return redact_path(value)
    if _REQUEST_LINE.match(value):
        return redact_request_line(value)
    return value


class RedactCodes(logging.Filter):
    """Every log line Django writes (the development server's request lines, "Not
    Found: /…", "Too Many Requests: /…"): paths without query or code."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redact_text(arg) for arg in record.args)
        elif isinstance(record.msg, str) and not record.args:
            record.msg = _CODE_IN_PATH.sub(rf"/\1/{HIDDEN}", record.msg)
        return True
