"""The ledger through a database restart: nothing is left claimed that was never sent, nor sent and not recorded."""

import pytest
from django.core.mail import EmailMultiAlternatives
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


def _emails(users):
    return {u.pk: EmailMultiAlternatives("Call now", "Please call today.", to=[u.email]) for u in users}


def _deliver(users):
    return ledger.deliver(
        kind=ReminderKind.CALL_NOW,
        key="call_now:2",
        campaign_id=None,
        users=User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"),
        build=_emails,
        chunk_size=2,
        senders=2,
        dry_run=False,
    )


def _once(monkeypatch, name, fail):
    """The ledger's `name`, failing once as `fail(real, *args, **kwargs)` does, then itself."""
    real = getattr(ledger, name)
    calls = []

    def patched(*args, **kwargs):
        calls.append(1)
        return fail(real, *args, **kwargs) if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(ledger, name, patched)


@pytest.mark.django_db(transaction=True)
def test_emails_sent_before_the_database_went_away_are_recorded_once_it_is_back(monkeypatch, smtp_server):
    monkeypatch.setattr(ledger, "DATABASE_RETRY_PAUSE", 0)
    users = [UserFactory() for _ in range(3)]

    def restart_while_recording(real, chunk):
        raise OperationalError("server closed the connection unexpectedly")

    _once(monkeypatch, "_record_chunk", restart_while_recording)
    run = _deliver(users)

    assert run.sent == 3
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {ReminderDelivery.Status.SENT}
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in users)


@pytest.mark.django_db(transaction=True)
def test_a_claim_whose_answer_was_lost_is_given_back_and_sent_once_by_the_retry(monkeypatch, smtp_server):
    monkeypatch.setattr(ledger, "DATABASE_RETRY_PAUSE", 0)
    users = [UserFactory() for _ in range(3)]

    def commit_then_lose_the_answer(real, **kwargs):
        real(**kwargs)  # the rows are claimed in the database...
        raise OperationalError("server closed the connection unexpectedly")  # ...and the run never hears it

    _once(monkeypatch, "_claim_chunk", commit_then_lose_the_answer)
    with pytest.raises(OperationalError):  # the task retries (RETRYABLE_SEND_ERRORS)
        _deliver(users)
    assert not ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENDING).exists()

    retry = _deliver(users)

    assert retry.sent == 3
    assert sorted(smtp_server.recipients()) == sorted(u.email for u in users)  # each once
