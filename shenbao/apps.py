from django.apps import AppConfig


class ShenbaoConfig(AppConfig):
    name = "shenbao"
    verbose_name = "申报"

    def ready(self):
        from shenbao import checks  # noqa: F401  (registers the system checks)
