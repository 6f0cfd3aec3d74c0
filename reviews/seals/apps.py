from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "reviews.seals"
    label = "seals"
    verbose_name = _("电子印章")
    default_auto_field = "django.db.models.BigAutoField"
