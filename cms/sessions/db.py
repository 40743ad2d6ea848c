"""Django's database sessions, with residents' short, coarse expiry (cms.sessions)."""

from django.contrib.sessions.backends import db

from . import ResidentExpiry


class SessionStore(ResidentExpiry, db.SessionStore):
    pass
