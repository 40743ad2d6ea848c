"""Column names made valid variable names for SPSS and Stata, unique, and stable.

SPSS: at most 64 bytes; a letter first; then letters, digits, `_`, `.`, `@`, `#`, `$`;
not ending in `.` or `_`; not one of its reserved words; unique ignoring case.
Stata: at most 32 characters; a letter or `_` first; then letters, digits and `_`; not
one of its reserved words; unique (ignoring case here too, so that a file moved between
the two packages keeps its names).

A name is changed only where it must be: `trust_police` stays, `age/18_24` becomes
`age_18_24`, `2nd_visit` becomes `v2nd_visit`. The same columns always give the same
names, so scripts written against one export run on the next.
"""

from __future__ import annotations

import re
import unicodedata

RULES = {
    "sav": {
        "limit": 64,
        "bytes": True,
        "invalid": re.compile(r"[^A-Za-z0-9_.@#$]"),
        "reserved": {
            "ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH",
        },
    },
    "dta": {
        "limit": 32,
        "bytes": False,
        "invalid": re.compile(r"[^A-Za-z0-9_]"),
        "reserved": {
            "_ALL", "_B", "BYTE", "_COEF", "_CONS", "DOUBLE", "FLOAT", "IF", "IN", "INT",
            "LONG", "_N", "_PI", "_PRED", "_RC", "_SKIP", "STRL", "USING", "WITH",
        },
    },
}  # fmt: skip


def _ascii(text: str) -> str:
    """Accents dropped (`año` → `ano`): both formats' names are ASCII here."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _valid(column: str, fmt: str) -> str:
    rules = RULES[fmt]
    name = rules["invalid"].sub("_", _ascii(column))
    name = re.sub(r"_+", "_", name)
    if not name or not name[0].isalpha():
        name = "v" + name.lstrip("_") if fmt == "sav" else "v" + name
    name = name[: rules["limit"]]
    if fmt == "sav":
        name = name.rstrip("._") or "v"
    if name.upper() in rules["reserved"] or (fmt == "dta" and re.fullmatch(r"str\d+", name)):
        name = f"{name}_v"
    return name


def variable_names(columns: list[str], fmt: str) -> list[str]:
    """A valid, unique name per column, in the columns' order."""
    limit = RULES[fmt]["limit"]
    taken: set[str] = set()
    names = []
    for column in columns:
        base = _valid(column, fmt)
        name, number = base, 1
        while name.upper() in taken:
            number += 1
            suffix = f"_{number}"
            name = base[: limit - len(suffix)] + suffix
        taken.add(name.upper())
        names.append(name)
    return names
