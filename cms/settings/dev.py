"""Local development: `make run`. Debug pages on, a fixed throwaway secret key."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
# The demo accounts have no second factor; set REQUIRE_MFA=true to try the real thing.
REQUIRE_MFA = env_bool("REQUIRE_MFA", False)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # passkeys on http://127.0.0.1 during development
