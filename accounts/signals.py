"""Tokens follow the password: saving a user whose password was set (`set_password`, by any path — the password
change page, the admin's reset, a set-password link, a service) revokes every API token of that user."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import api_tokens_revoke_all


@receiver(post_save, sender=User, dispatch_uid="accounts.signals.password_revokes_tokens")
def _password_saved(sender, instance, created, raw=False, **kwargs):
    # Django keeps the new raw password in `_password` from set_password() until this save has run the
    # validators' password_changed hooks; a hasher upgrade at login saves the same password with it cleared.
    if created or raw or getattr(instance, "_password", None) is None:
        return
    api_tokens_revoke_all(user=instance, reason="password_changed")
