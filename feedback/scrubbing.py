"""Masking likely personal details before feedback is shown to anyone outside moderation.

Masks email addresses (also spelled out: "jane at example dot com"), links and social
media handles, phone numbers (US and international formats), identity numbers (Social
Security numbers, A-Numbers, and any run of seven or more digits), street addresses
with a number, licence plates and any names a moderator lists. It is a safety net, not a guarantee:
a moderator reads every item before it is published and can edit the public text.
Patterns err on the side of masking too much: a masked year is a small loss, a
published phone number is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "jane at example dot com", "jane (at) mail (dot) org", "juan arroba correo punto mx"
SPELLED_EMAIL = re.compile(
    r"[\w.+-]+\s*[(\[]?\s*\b(?:at|arroba)\b\s*[)\]]?\s*[\w-]+"
    r"(?:\s*[(\[]?\s*\b(?:dot|punto)\b\s*[)\]]?\s*[\w-]+)+",
    re.IGNORECASE | re.UNICODE,
)
# Any link (a profile page names its owner) and social media handles ("@jane_doe").
LINK = re.compile(
    r"\b(?:https?://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|me|mx|io|co|us|app|tv|ly|gl)/\S+"
    r"|(?<![\w@])@[A-Za-z0-9_.]{2,30}",
    re.IGNORECASE | re.UNICODE,
)
# "+52 55 1234 5678", "+44 20 7946 0958", "+503 7012-3456"
INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.\-()]*\d){6,14}(?!\w)")
# "A-Number 123456789", "A# 123-456-789", "A123456789", "alien number 12345678"
A_NUMBER = re.compile(
    r"\b(?:A|alien)(?:[\s\-]*(?:number|n[uú]mero|no\.?|#))?[\s:#\-]*\d(?:[\s\-]?\d){7,8}\b",
    re.IGNORECASE | re.UNICODE,
)
# Social Security numbers, case and passport numbers: seven or more digits in a row, or
# in groups ("123-45-6789").
ID_NUMBER = re.compile(r"(?<![\w\-])\d(?:[\s\-]?\d){6,}(?![\w\-])")
PHONE = re.compile(
    r"(?<![\w])(?:\+?1[\s.\-]*)?(?:\(\s*\d{3}\s*\)|\d{3})[\s.\-]*\d{3}[\s.\-]*\d{4}(?!\w)"
    r"|(?<![\w\-])\d{3}[\s.\-]\d{4}(?![\w\-])"
)
STREET_SUFFIX = (
    r"st|street|ave|avenue|av|rd|road|blvd|boulevard|dr|drive|ln|lane|way|ct|court|pl|place"
    r"|pkwy|parkway|hwy|highway|ter|terrace|cir|circle|sq|square|trl|trail"
)
STREET_ADDRESS = re.compile(
    # "123 Main St", "4500 N. Lamar Blvd", "12B Oak Street"
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[\w'.\-]+\s+){{0,4}}?(?:{STREET_SUFFIX})\b\.?"
    # "Calle Mayor 12", "Avenida Juárez #45", "calle 8 # 12-30"
    r"|\b(?:calle|avenida|avda|av|camino|carrera|paseo)\.?\s+(?:[\w'.\-]+\s+){0,3}?#?\s*\d{1,6}"
    r"(?:\s*(?:#|no\.?|n[º°])?\s*\d{1,6})?(?:\s*-\s*\d{1,4})?\b",
    re.IGNORECASE | re.UNICODE,
)
# Candidates: 5 to 8 capital letters and digits, in one or two groups ("7ABC123",
# "ABC 1234", "XYZ-789"); only those mixing letters and digits are taken as plates.
PLATE = re.compile(r"(?<![\w\-])[A-Z0-9]{1,4}[\s\-]?[A-Z0-9]{1,5}(?![\w\-])")


def _labels() -> dict[str, str]:
    return {
        "email": gettext("[email removed]"),
        "link": gettext("[link removed]"),
        "number": gettext("[number removed]"),
        "phone": gettext("[phone removed]"),
        "address": gettext("[address removed]"),
        "plate": gettext("[plate removed]"),
        "name": gettext("[name removed]"),
    }


def names_to_mask(listed: str) -> list[str]:
    """The names in a moderator's list (one per line or separated by commas)."""
    return [name.strip() for name in re.split(r"[,\n;]+", listed or "") if len(name.strip()) > 1]


def _is_plate(candidate: str) -> bool:
    compact = re.sub(r"[\s\-]", "", candidate)
    letters = sum(ch.isalpha() for ch in compact)
    digits = sum(ch.isdigit() for ch in compact)
    return 5 <= len(compact) <= 8 and letters >= 1 and digits >= 2


def scrub(text: str, names: Iterable[str] = (), *, language: str | None = None) -> str:
    """`text` with likely personal details replaced by "[… removed]" in `language`."""
    if language:
        with translation.override(language):
            labels = _labels()
    else:
        labels = _labels()
    result = EMAIL.sub(labels["email"], text or "")
    result = SPELLED_EMAIL.sub(labels["email"], result)
    result = LINK.sub(labels["link"], result)
    result = INTERNATIONAL_PHONE.sub(labels["phone"], result)
    result = A_NUMBER.sub(labels["number"], result)
    result = STREET_ADDRESS.sub(labels["address"], result)
    result = PHONE.sub(labels["phone"], result)
    result = ID_NUMBER.sub(labels["number"], result)
    result = PLATE.sub(lambda m: labels["plate"] if _is_plate(m.group()) else m.group(), result)
    for name in sorted(set(names), key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE | re.UNICODE)
        result = pattern.sub(labels["name"], result)
    return result
