from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("公示与认定")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from publicity.models import Publicity
        from publicity.selectors import forget_version

        def forget(sender, instance, **kwargs):
            forget_version(instance.pk)

        # Any save of a publicity in this process is seen by its next read (the cache key holds updated_at).
        post_save.connect(forget, sender=Publicity, dispatch_uid="publicity.forget_version.save", weak=False)
        post_delete.connect(forget, sender=Publicity, dispatch_uid="publicity.forget_version.delete", weak=False)
