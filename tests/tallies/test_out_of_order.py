"""The classic watermark bug, on real PostgreSQL transactions: ids are handed out at INSERT, commits come in any order."""

import threading

import pytest
from django.db import connection, transaction

from tallies.models import CallLog, CampaignTally
from tallies.rollups import rollup_calls, rollup_mark
from tallies.selectors import tally_campaign_totals
from tallies.verification import tally_verify
from tests.factories.tallies import CallLogFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_call_committed_after_a_higher_id_is_still_counted_by_the_next_rollup(national_campaign, offices):
    inserted = threading.Event()
    release = threading.Event()
    slow = {}

    def slow_caller():
        try:
            with transaction.atomic():
                slow["id"] = CallLogFactory(campaign=national_campaign, office=offices["doj"]).pk
                inserted.set()
                assert release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_caller)
    thread.start()
    try:
        assert inserted.wait(10)
        fast = CallLogFactory(campaign=national_campaign, office=offices["doj"])  # commits at once
        assert fast.pk > slow["id"]

        during = rollup_calls()  # the lower id is still in flight

        # The mark never passes an id that can still commit: this rollup saw the insert in
        # flight and left the window for later (a plain max(id) watermark would be at fast.pk).
        assert during.last_id < slow["id"]
        assert rollup_mark() < slow["id"]
    finally:
        release.set()
        thread.join(20)

    after = rollup_calls()

    assert after.last_id == fast.pk
    assert CallLog.objects.count() == 2
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == 2
    assert tally_campaign_totals(campaign_ids=[national_campaign.pk]) == {national_campaign.pk: 2}
    assert tally_verify().differences == {}


def test_a_rollup_waits_for_a_short_insert_in_flight_instead_of_skipping_it(national_campaign, offices):
    """An insert that commits within the lock timeout is waited for and counted in the same run."""
    inserted = threading.Event()

    def quick_caller():
        try:
            with transaction.atomic():
                CallLogFactory(campaign=national_campaign, office=offices["doj"])
                inserted.set()
                threading.Event().wait(0.1)
        finally:
            connection.close()

    thread = threading.Thread(target=quick_caller)
    thread.start()
    assert inserted.wait(10)
    CallLogFactory(campaign=national_campaign, office=offices["doj"])
    result = rollup_calls()
    thread.join(10)

    assert result.calls == 2
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == 2


def test_two_rollups_at_once_never_double_count(national_campaign, chapter, offices):
    CallLogFactory.create_batch(300, campaign=national_campaign, chapter=chapter, office=offices["doj"])
    errors = []

    def roll():
        try:
            for _ in range(5):
                rollup_calls(batch_size=37, wait=True)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=roll) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert CampaignTally.objects.get(campaign_id=national_campaign.pk).n == 300
    assert tally_verify().differences == {}
