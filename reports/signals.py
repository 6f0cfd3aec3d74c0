from django.db.models.signals import post_save
from django.dispatch import receiver

from applications.models import Snapshot
from reports.services import keep_figures


@receiver(post_save, sender=Snapshot, dispatch_uid="reports.keep_figures")
def on_snapshot(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        keep_figures(instance)
