from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Community feedback: topics, moderation, the Community voices page, replies."""

    name = "feedback"
    verbose_name = "Community feedback"

    def ready(self):
        from cms import upkeep

        from .moderation import delete_expired_contacts

        upkeep.register("contacts", lambda: f"{delete_expired_contacts()} contact details deleted")
