from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site content"

    def ready(self):
        from allauth.account.signals import password_reset
        from wagtail.signals import page_published

        from . import admin_csp
        from .accounts import verify_email_on_password_reset
        from .signal_handlers import connect_content_version, recount_children

        admin_csp.install()
        password_reset.connect(verify_email_on_password_reset)
        page_published.connect(recount_children)
        connect_content_version()
