"""Short codes people type: resume codes and invitation codes.

The alphabet leaves out characters that are misread or mistyped (0/O, 1/I/L, U/V),
as Crockford's base 32 does; codes are drawn with `secrets` and shown in groups of
four. Typing is forgiving: case, spaces and dashes do not matter.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code(length: int) -> str:
    """A random code of `length` characters, grouped by four with dashes."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return group(raw)


def group(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalise(typed: str | None, length: int) -> str | None:
    """The canonical (grouped) form of a code as typed, or None if it cannot be one."""
    if not typed:
        return None
    raw = _SEPARATORS.sub("", typed.strip().upper())
    if len(raw) != length or any(ch not in ALPHABET for ch in raw):
        return None
    return group(raw)


def digest(code: str) -> str:
    """What the database keeps of a bearer code: its SHA-256, never the code."""
    return hashlib.sha256(code.encode()).hexdigest()


def entropy_bits(length: int) -> float:
    return length * math.log2(len(ALPHABET))
