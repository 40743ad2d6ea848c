"""The read-only API under /api/v1/: personal tokens (tokens.py), their admin pages
(admin_views.py), the endpoints (views.py) and their description (openapi.py)."""
