"""manage.py login_unlock [USERNAME] [--address IP]: lift the lockout and the login throttle at once.

django-axes' lock (a name from one address) and accounts/throttle.py's counters (an address's failures over many
names, a name's slow-down) end by themselves after AXES_COOLOFF_MINUTES / LOGIN_FAILURE_WINDOW_MINUTES; this ends
them now: a name (its lock from every address, its slow-down), an address (its locks, its spraying count), or one
name from one address.
"""

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError

from accounts import throttle
from accounts.backends import resolve_username


class Command(BaseCommand):
    help = "解除登录锁定与限流：按用户名（或手机号）、按地址，或二者同时。"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="用户名或手机号")
        parser.add_argument("--address", help="客户端地址（IP）")

    def handle(self, *args, username=None, address=None, **options):
        if not username and not address:
            raise CommandError("请给出用户名（或手机号）或 --address。")
        name = resolve_username(username) if username else None
        removed = reset(ip=address, username=name)
        throttle.forget(username=name, address=address)
        who = " ".join(part for part in (name, address and f"@{address}") if part)
        self.stdout.write(f"{who}: {removed} lockout record(s) removed, throttle counters cleared.")
