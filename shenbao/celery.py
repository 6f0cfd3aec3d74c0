"""Celery application. In the embedded default tasks run inline (CELERY_TASK_ALWAYS_EAGER).

Periodic tasks are queued by celery beat (one for the whole installation: deploy/systemd/shenbao-celery-beat.service)
from ``beat_schedule`` below; times are CELERY_TIMEZONE's (Asia/Shanghai). The embedded default runs no beat.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shenbao.settings")

app = Celery("shenbao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Expired sessions out of the database, at night (shenbao/tasks.py).
    "clear-expired-sessions": {"task": "shenbao.clear_expired_sessions", "schedule": crontab(hour=3, minute=17)},
}
