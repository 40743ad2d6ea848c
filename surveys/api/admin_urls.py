"""The admin pages for personal API tokens (registered by surveys/wagtail_hooks.py)."""

from django.urls import path

from . import admin_views

app_name = "api_tokens"

urlpatterns = [
    path("", admin_views.TokensView.as_view(), name="index"),
    path("<int:token_id>/revoke/", admin_views.RevokeTokenView.as_view(), name="revoke"),
]
