from django.apps import AppConfig


class ShenbaoConfig(AppConfig):
    name = "shenbao"
    verbose_name = "申报"
