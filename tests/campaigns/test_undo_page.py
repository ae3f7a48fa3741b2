"""Undo on the call page: the card offers it for 10 minutes (htmx and no-JS), and the limit line after the third call."""

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tallies.models import CallLog, Outcome
from tallies.selectors import tally_campaign_totals
from tests.campaigns.test_pages import detail_url, log_data, log_url
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def undo_url(campaign, call):
    return reverse("campaigns:call_undo", args=[campaign.slug, call.pk])


def _card(html, action, office):
    dom_id = f"target-{action.pk}-{office.pk}"
    return html.split(f'id="{dom_id}-log"')[1].split('class="log-status"')[0] if f'id="{dom_id}-log"' in html else ""


def test_a_logged_call_offers_undo_with_htmx_and_undoing_takes_it_out_of_the_counts(
    client, volunteer, demo, call_action, mo
):
    client.force_login(volunteer)
    office = mo["attorney_general"]
    logged = client.post(log_url(demo), log_data(call_action, office, outcome=Outcome.SKIPPED), HTTP_HX_REQUEST="true")
    call = CallLog.objects.get()
    html = logged.content.decode()
    assert f'action="{undo_url(demo, call)}"' in html
    assert "Logged “skipped” by mistake? You can undo it until" in html

    response = client.post(undo_url(demo, call), HTTP_HX_REQUEST="true")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    status_id = f"target-{call_action.pk}-{office.pk}-status"
    assert "Undone: that call no longer counts anywhere." in html.split(f'id="{status_id}"')[1].split("</div>")[0]
    assert status_id in response["HX-Trigger-After-Settle"]
    assert "undo-form" not in html  # nothing left to undo
    assert "0 of 1</strong> called" in html
    assert tally_campaign_totals(campaign_ids=[demo.pk]) == {}
    assert CallLog.objects.counted().count() == 0


def test_without_javascript_undo_posts_and_lands_on_the_cards_live_region(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    office = mo["attorney_general"]
    client.post(log_url(demo), log_data(call_action, office))
    call = CallLog.objects.get()
    page = client.get(detail_url(demo)).content.decode()
    assert f'action="{undo_url(demo, call)}"' in page

    response = client.post(undo_url(demo, call))

    status_id = f"target-{call_action.pk}-{office.pk}-status"
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{detail_url(demo)}#{status_id}"
    page = client.get(response["Location"]).content.decode()
    assert "Undone: that call no longer counts anywhere." in page.split(f'id="{status_id}"')[1].split("</div>")[0]
    assert "undo-form" not in page
    # Undoing again changes nothing and says the same.
    again = client.post(undo_url(demo, call))
    assert again.status_code == HTTPStatus.FOUND
    assert CallLog.objects.filter(undoes=call).count() == 1


def test_undo_is_offered_for_ten_minutes_only(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    client.post(log_url(demo), log_data(call_action, mo["attorney_general"]))
    call = CallLog.objects.get()
    CallLog.objects.filter(pk=call.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))

    page = client.get(detail_url(demo)).content.decode()
    assert "undo-form" not in page
    response = client.post(undo_url(demo, call), HTTP_HX_REQUEST="true")
    assert "A call can be undone only in the 10 minutes after it was logged." in response.content.decode()
    assert CallLog.objects.counted().count() == 1


def test_another_users_call_cannot_be_undone_from_the_page(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    client.post(log_url(demo), log_data(call_action, mo["attorney_general"]))
    call = CallLog.objects.get()
    other = UserFactory(zip_code="65101")
    client.force_login(other)

    assert client.post(undo_url(demo, call)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(undo_url(demo, call), HTTP_HX_REQUEST="true").status_code == HTTPStatus.NOT_FOUND
    assert not CallLog.objects.filter(undoes=call).exists()


def test_after_the_third_call_the_buttons_give_way_to_when_the_next_can_be_logged(
    client, volunteer, demo, call_action, mo
):
    client.force_login(volunteer)
    office = mo["attorney_general"]
    for _ in range(2):
        client.post(log_url(demo), log_data(call_action, office), HTTP_HX_REQUEST="true")
    assert 'name="outcome"' in _card(client.get(detail_url(demo)).content.decode(), call_action, office)

    third = client.post(log_url(demo), log_data(call_action, office), HTTP_HX_REQUEST="true").content.decode()

    card = _card(third, call_action, office)
    assert 'name="outcome"' not in card
    first = CallLog.objects.order_by("id").first().created_at.astimezone(volunteer.zone)
    when = (first + dt.timedelta(hours=24)).strftime("%H:%M")
    assert re.search(
        rf"You have logged 3 calls to this office for this action in the last 24 hours\. "
        rf"You can log the next one from {when} on",
        " ".join(card.split()),
    )
    assert "undo-form" in card  # the third call can still be taken back

    # Undoing one brings the buttons back.
    third_call = CallLog.objects.order_by("-id").first()
    after_undo = client.post(undo_url(demo, third_call), HTTP_HX_REQUEST="true").content.decode()
    assert 'name="outcome"' in _card(after_undo, call_action, office)


def test_a_call_of_another_campaign_is_not_undone_through_this_one(client, volunteer, demo, call_action, mo):
    from tests.factories.campaigns import CampaignFactory

    client.force_login(volunteer)
    client.post(log_url(demo), log_data(call_action, mo["attorney_general"]))
    call = CallLog.objects.get()
    other = CampaignFactory(title="Another one")

    response = client.post(reverse("campaigns:call_undo", args=[other.slug, call.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not CallLog.objects.filter(undoes=call).exists()
