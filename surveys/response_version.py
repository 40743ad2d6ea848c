"""A per-survey version of its responses, in the shared cache, for cached results.

Every recorded response bumps its survey's version once its transaction commits, and
cached results carry the version they were computed at: a new response makes the next
reader compute afresh, on every process and machine that shares the cache. Should the
cache lose the counter, it starts again from the clock, never from a number an older
cached result could carry. Cached results also expire (a minute at most), so even a
lost bump cannot keep old numbers up for longer.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

from cms.counters import increment

KEEP_SECONDS = 60 * 60 * 24 * 30


def _key(survey_id: int) -> str:
    return f"responses-version:{survey_id}"


def responses_version(survey_id: int) -> int:
    """The current version of the survey's responses."""
    key = _key(survey_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=KEEP_SECONDS)
        version = cache.get(key, 0)
    return version


def responses_changed(survey_id: int) -> None:
    """Bump the survey's version when the current transaction commits (at once outside
    one): bumping before the commit would let a reader cache the old numbers under the
    new version."""
    transaction.on_commit(lambda: _bump(survey_id))


def _bump(survey_id: int) -> None:
    # Not there (evicted, or never read): it starts from the clock, a fresh, higher number.
    increment(_key(survey_id), initial=time.time_ns(), timeout=KEEP_SECONDS)
