"""Project-wide tasks. App-specific tasks live in each app's tasks.py."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(name="shenbao.send_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_mail_task(subject, body, recipients):
    """Mail goes through a task so that a slow or failing SMTP server never blocks a request."""
    return send_mail(subject, body, None, recipients)


@shared_task(name="shenbao.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions_task():
    """Sessions live in the database and Django never deletes an expired one by itself (its `clearsessions`
    does): celery beat runs this every night (shenbao/celery.py), so the table holds the live sessions only."""
    from django.core.management import call_command

    call_command("clearsessions")
