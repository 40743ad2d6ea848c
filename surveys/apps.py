from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self):
        from cms import upkeep

        from .banks import ship_banks_after_migrate
        from .exports.jobs import delete_expired_exports
        from .frozen_releases import freeze_due
        from .release import release_all_due
        from .storage_order import randomise_rowids, shuffle_postgresql_tables
        from .submission import delete_expired_partials

        post_migrate.connect(ship_banks_after_migrate, sender=self)
        post_migrate.connect(randomise_rowids, sender=self)
        upkeep.register(
            "releases",
            lambda: "released {0.responses} responses, {0.codes} used codes".format(
                release_all_due()
            ),
        )
        upkeep.register("results", lambda: f"{freeze_due()} closed periods' results stored")
        upkeep.register(
            "partials", lambda: f"{delete_expired_partials()} expired partial responses deleted"
        )
        upkeep.register(
            "exports", lambda: f"{delete_expired_exports()} expired export files deleted"
        )
        upkeep.register("storage", shuffle_postgresql_tables)
