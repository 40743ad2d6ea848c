from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Community feedback: registered now, filled by the community-feedback issue."""

    name = "feedback"
    verbose_name = "Community feedback"
