"""Session storage that keeps no exact time of a resident's visit and not for long.

Staff sessions behave as Django's. A session without a signed-in user (a resident's
answers in progress, or someone on the sign-in pages) is stored to expire
`RESIDENT_SESSION_SECONDS` after its last change, rounded up to the next whole hour:
the stored expiry then tells the hour of the last visit at most, never its second, and
the row (or cache entry) is gone within hours. `manage.py clearsessions` deletes
expired rows; Redis drops expired entries by itself.

Two engines, as Django's: `cms.sessions.db` and `cms.sessions.cached_db`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone


def resident_expiry(modification: datetime.datetime) -> datetime.datetime:
    """When a resident's session changed at `modification` expires: on the hour."""
    at = modification + datetime.timedelta(seconds=settings.RESIDENT_SESSION_SECONDS)
    on_the_hour = at.replace(minute=0, second=0, microsecond=0)
    return on_the_hour if on_the_hour == at else on_the_hour + datetime.timedelta(hours=1)


class ResidentExpiry:
    """Short, coarse expiry for sessions without a signed-in user (see the module)."""

    def _is_resident(self) -> bool:
        return SESSION_KEY not in self._get_session()

    def get_expiry_date(self, **kwargs) -> datetime.datetime:
        if not self._is_resident():
            return super().get_expiry_date(**kwargs)
        return resident_expiry(kwargs.get("modification") or timezone.now())

    def get_expiry_age(self, **kwargs) -> int:
        if not self._is_resident():
            return super().get_expiry_age(**kwargs)
        modification = kwargs.get("modification") or timezone.now()
        return int((resident_expiry(modification) - modification).total_seconds())
