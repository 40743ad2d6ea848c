from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import enrolment, routes, views

urlpatterns = [
    # Staff sign in through allauth only: Wagtail's own password login and password
    # reset would be a back door around MFA and allauth's rate limits.
    path("admin/login/", views.admin_login_redirect, name="wagtailadmin_login"),
    path("admin/password_reset/", views.password_reset_redirect),
    path("admin/password_reset/<path:rest>", views.password_reset_redirect),
    # Wagtail's admin API can also move, copy, delete, revert and publish pages; those
    # actions skip the admin's hooks (grants, audit, protected responses, k), and the
    # admin itself never calls them: they are not served.
    re_path(r"^admin/api/main/pages/\d+/action/", views.not_served, name="admin_api_actions"),
    path("admin/", include(wagtailadmin_urls)),
    # A first second factor is added through a link sent by email (cms/enrolment.py).
    path("accounts/2fa/enrol/", enrolment.enrolment_required, name="mfa_enrolment_required"),
    path(
        "accounts/2fa/enrol/<str:token>/",
        enrolment.enrol_with_link,
        name="mfa_enrol_with_link",
    ),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    # The read-only API: personal tokens, never a session (surveys/api/).
    path("api/v1/", include("surveys.api.urls")),
]

# Pages carry their language in the URL (/en/..., /es/..., /ar/...); a path without one
# is redirected to the visitor's preferred language (LocaleMiddleware).
# Wagtail's page serving comes last: it claims every other path. Pages are served through
# cms.routes, which hands Wagtail's view the route it found before; Wagtail's other
# front-end URLs (password-protected pages) stay as they are, ahead of it.
urlpatterns += i18n_patterns(
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, routes.serve, name="wagtail_serve"),
)

handler429 = "cms.views.too_many_requests"
handler500 = "cms.views.server_error"
