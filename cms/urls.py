from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Pages carry their language in the URL (/es/...); the default language has no prefix.
# Wagtail's page serving comes last: it claims every other path.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
