import os

import pytest
from django.core import mail

from shenbao.celery import app
from shenbao.tasks import send_mail_task


def test_mail_task_runs_inline_in_the_embedded_default(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = send_mail_task.delay("申报已受理", "您的申报已受理。", ["a@example.com"])
    # An inline (eager) result is complete on return; no .get(): celery refuses it once a worker thread of
    # another test has marked the process as a worker.
    assert type(result).__name__ == "EagerResult"
    assert result.successful() and result.result == 1
    assert mail.outbox[0].subject == "申报已受理"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_tasks_go_through_redis_to_a_real_worker(settings):
    """With eager mode off, a task travels through the Redis broker to a worker and back."""
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    redis_url = os.environ["REDIS_URL"]
    app.conf.update(
        task_always_eager=False, broker_url=redis_url, result_backend=redis_url, broker_connection_retry_on_startup=True
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = send_mail_task.delay("测试", "正文", ["b@example.com"])
            assert result.get(timeout=20) == 1
            assert type(result.backend).__name__ == "RedisBackend"
            with app.connection_for_write() as conn:
                assert conn.transport.driver_type == "redis"
    finally:
        from celery._state import _set_task_join_will_block

        # Leave the process as the other tests expect it: inline tasks, not a worker.
        app.conf.update(task_always_eager=True, broker_url="memory://", result_backend=None)
        _set_task_join_will_block(False)
