from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", verbosity=1, **kwargs):
    """`migrate` also creates the database cache's table when that is the cache (the embedded default), so every
    path that migrates (make run, a deployment, the benchmarks) has it; nothing happens for Redis or when it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class ShenbaoConfig(AppConfig):
    name = "shenbao"
    verbose_name = "申报"

    def ready(self):
        from shenbao import checks  # noqa: F401  (registers the system checks)

        # post_migrate is sent only for apps with models, which this one has not: hang it on accounts'.
        post_migrate.connect(
            create_cache_table, sender=apps.get_app_config("accounts"), dispatch_uid="shenbao.create_cache_table"
        )
