import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from applications.flags import recompute_flags
from programmes.models import Call


class Command(BaseCommand):
    help = "Recompute the automatic flags of every call, or of one (--call ID), from the submitted snapshots."

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, help="the call's id")

    def handle(self, *args, **options):
        calls = Call.objects.order_by("pk")
        if options["call"] is not None:
            calls = calls.filter(pk=options["call"])
            if not calls.exists():
                raise CommandError(_("没有编号为 %(id)s 的申报批次。") % {"id": options["call"]})
        for call in calls:
            started = time.perf_counter()
            count = recompute_flags(call)
            self.stdout.write(
                _("%(call)s：%(count)s 条自动提示（%(seconds).1f 秒）。")
                % {"call": call.code, "count": count, "seconds": time.perf_counter() - started}
            )
