"""Who a "call now" message goes to costs a probe per member, whatever PostgreSQL's statistics say.

As NOT EXISTS, "has not called in this campaign" became an anti-join that the planner sized from
statistics; a campaign launched since the last ANALYZE has almost no calls in them, so the plan
rescanned every call of the campaign once per member (10-17 s of database CPU for a
50,000-member chapter in bench/call_day.py). The test makes the same statistics: analyzed while
another campaign had all the calls, then the campaign's own calls arrive.
"""

import json

import pytest
from django.db import connection

from campaigns.models import Campaign
from rally.selectors import call_now_recipients
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.tallies import CallLogFactory

pytestmark = pytest.mark.postgres

COPIES = 1500


def _plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _copy_call(call_id: int, copies: int) -> None:
    """`copies` more calls like this one (same caller, campaign and office), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tallies_calllog (outcome, source, request_hash, created_at, note, action_id, campaign_id,"
            " chapter_id, office_id, user_id) SELECT outcome, source, request_hash, created_at, note, action_id,"
            " campaign_id, chapter_id, office_id, user_id FROM tallies_calllog, generate_series(1, %s) WHERE id = %s",
            [copies, call_id],
        )


def _call_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tallies_calllog'")
        return dict(cursor.fetchall())


def _explain(queryset) -> dict:
    return json.loads(queryset.explain(format="json"))[0]["Plan"]


def test_the_calls_are_only_reached_through_the_callers_index(make_member, campaign, chapter, offices):
    members = [make_member(f"m{i}@example.org") for i in range(200)]
    earlier = CampaignFactory(slug="earlier-campaign", status=Campaign.Status.ACTIVE)
    ActionFactory(campaign=earlier, target_roles=["attorney_general"])
    for member in members[::2]:  # the callers' statistics as on any day: a few calls each
        _copy_call(CallLogFactory(campaign=earlier, office=offices["attorney_general"], user=member).pk, 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tallies_calllog, accounts_user, accounts_membership, account_emailaddress")
    for member in members[:8]:
        call = CallLogFactory(campaign=campaign, chapter=chapter, office=offices["attorney_general"], user=member)
        _copy_call(call.pk, COPIES // 8)

    recipients = call_now_recipients(chapter=chapter, campaign=campaign)
    assert recipients.count() == 192

    indexes = _call_indexes()
    by_caller = {name for name, definition in indexes.items() if "(user_id, created_at)" in definition}
    assert by_caller, indexes
    on_calls = [
        node
        for node in _plan_nodes(_explain(recipients))
        if node.get("Relation Name") == "tallies_calllog" or node.get("Index Name") in indexes
    ]
    assert on_calls
    for node in on_calls:
        assert node["Node Type"] != "Seq Scan", node
        if "Index Name" in node:
            assert node["Index Name"] in by_caller | {"calllog_one_undo_per_call"}, node["Index Name"]
