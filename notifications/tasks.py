"""Background delivery of notifications (inline in the embedded default, Celery workers in production)."""

from celery import shared_task

from notifications.delivery import deliver_message


@shared_task(ignore_result=True)
def deliver(message_ids):
    """Send the email/SMS copies of these messages that are still queued. Safe to run again: a copy already
    sent, cancelled or being sent is left alone."""
    for message_id in message_ids:
        deliver_message(message_id)
