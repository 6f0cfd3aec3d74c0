from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账户与机构"

    def ready(self):
        # Signal receivers: tokens follow the password; login failures feed the throttle (accounts/throttle.py).
        from accounts import (  # noqa: F401
            signals,
            throttle,
            two_factor,  # noqa: F401  a password login marks a staff session for the second factor
        )
