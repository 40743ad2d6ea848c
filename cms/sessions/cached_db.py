"""Django's cached database sessions, with residents' short, coarse expiry (cms.sessions)."""

from django.contrib.sessions.backends import cached_db

from . import ResidentExpiry


class SessionStore(ResidentExpiry, cached_db.SessionStore):
    pass
