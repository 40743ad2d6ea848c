from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site content"

    def ready(self):
        from allauth.account.signals import password_reset
        from django.db.backends.signals import connection_created
        from wagtail.signals import page_published

        from . import admin_csp
        from .accounts import verify_email_on_password_reset
        from .enrolment import allow_enrolment_on_password_reset
        from .private_files import protect_sqlite_files
        from .signal_handlers import connect_content_version, recount_children

        admin_csp.install()
        connection_created.connect(protect_sqlite_files)
        password_reset.connect(verify_email_on_password_reset)
        password_reset.connect(allow_enrolment_on_password_reset)
        page_published.connect(recount_children)
        connect_content_version()
