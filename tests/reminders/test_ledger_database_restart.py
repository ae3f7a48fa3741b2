"""The ledger through a database restart: nothing is left claimed that was never sent."""

import pytest
from django.db import OperationalError

from accounts.models import User
from reminders.models import ReminderDelivery, ReminderKind
from reminders.services import ledger
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_emails_that_could_not_be_rendered_are_not_left_claimed_when_the_database_is_gone(monkeypatch):
    users = [UserFactory() for _ in range(3)]

    def render_while_the_database_restarts(users):
        raise OperationalError("the database system is shutting down")

    def database_gone(chunk):
        raise OperationalError("connection refused")

    # With the database gone, nothing can be written back after a failure: a claim made before
    # rendering would stay SENDING, and the ledger (at most once) would never send those emails.
    monkeypatch.setattr(ledger, "_record_chunk", database_gone)
    with pytest.raises(OperationalError):
        ledger.deliver(
            kind=ReminderKind.CALL_NOW,
            key="call_now:1",
            campaign_id=None,
            users=User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"),
            build=render_while_the_database_restarts,
            chunk_size=10,
            senders=1,
            dry_run=False,
        )
    assert not ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENDING).exists()
