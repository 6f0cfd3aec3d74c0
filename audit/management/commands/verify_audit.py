import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit status 1 names the first broken event."

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(_("OK：共 %(count)s 条审计事件，哈希链完整。") % {"count": result.count})
            self.stdout.write(_("最新事件的哈希：%(hash)s") % {"hash": result.head})
            return
        self.stderr.write(
            _("哈希链自第 %(id)s 号事件起断开：%(reason)s。此前 %(count)s 条事件完好。")
            % {"id": result.broken_id, "reason": result.reason, "count": result.count}
        )
        sys.exit(1)
