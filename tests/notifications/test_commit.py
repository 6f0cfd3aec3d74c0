"""The same promise against a real commit and a real rollback (no captured callbacks)."""

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Message
from notifications.services import notify


@pytest.mark.django_db(transaction=True)
def test_email_follows_a_real_commit_and_not_a_real_rollback(people):
    def decide():
        return notify(recipients=[people.enterprise_a], subject="县区已推荐", body="您的申报书已获推荐。")

    with pytest.raises(RuntimeError), transaction.atomic():
        decide()
        raise RuntimeError("rolled back")
    assert mail.outbox == [] and not Message.objects.exists()

    with transaction.atomic():
        decide()
        assert mail.outbox == []
    assert [e.subject for e in mail.outbox] == ["县区已推荐"]
