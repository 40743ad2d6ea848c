from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self):
        from .banks import ship_banks_after_migrate

        post_migrate.connect(ship_banks_after_migrate, sender=self)
