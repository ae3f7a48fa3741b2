from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import resolve, reverse

from accounts.models import User
from reminders.services import reminders_send_weekly_digest
from reminders.tokens import unsubscribe_token_make, unsubscribe_token_read
from tests.factories.campaigns import CampaignFactory

pytestmark = pytest.mark.django_db


def _url(user) -> str:
    return reverse("reminders:unsubscribe", args=[unsubscribe_token_make(user_id=user.pk)])


def test_the_unsubscribe_url_resolves_under_reminders(volunteer):
    url = _url(volunteer)
    assert url.startswith("/reminders/unsubscribe/")
    assert resolve(url).view_name == "reminders:unsubscribe"


def test_opening_the_link_asks_to_confirm_and_changes_nothing(client, volunteer):
    response = client.get(_url(volunteer))

    assert response.status_code == HTTPStatus.OK
    assert b"Unsubscribe from reminders" in response.content
    assert volunteer.email.encode() in response.content
    assert f'href="{reverse("profile")}"'.encode() in response.content
    volunteer.refresh_from_db()
    assert volunteer.reminder_frequency == User.ReminderFrequency.WEEKLY


def test_confirming_stops_reminders_without_logging_in(volunteer):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_url(volunteer))

    assert response.status_code == HTTPStatus.OK
    assert b"You are unsubscribed" in response.content
    volunteer.refresh_from_db()
    assert volunteer.reminder_frequency == User.ReminderFrequency.NEVER


def test_a_mail_clients_one_click_post_unsubscribes(volunteer):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        _url(volunteer), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == HTTPStatus.OK
    volunteer.refresh_from_db()
    assert volunteer.reminder_frequency == User.ReminderFrequency.NEVER


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="changed signature"),
        pytest.param(lambda t: t.split(":", 1)[0], id="signature cut off"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_token_is_refused_and_changes_nothing(client, volunteer, mangle):
    url = reverse("reminders:unsubscribe", args=[mangle(unsubscribe_token_make(user_id=volunteer.pk))])

    assert client.get(url).status_code == HTTPStatus.BAD_REQUEST
    response = client.post(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"not valid" in response.content
    volunteer.refresh_from_db()
    assert volunteer.reminder_frequency == User.ReminderFrequency.WEEKLY


def test_a_token_for_another_user_id_cannot_be_forged_by_editing_the_payload(volunteer, chapter_lead):
    token = unsubscribe_token_make(user_id=volunteer.pk)
    other = unsubscribe_token_make(user_id=chapter_lead.pk)
    forged = other.split(":", 1)[0] + ":" + token.split(":", 1)[1]

    assert unsubscribe_token_read(token=forged) is None


def test_a_token_from_another_signing_purpose_is_refused(volunteer):
    from django.core import signing

    assert unsubscribe_token_read(token=signing.dumps(volunteer.pk)) is None


def test_the_link_in_a_real_email_unsubscribes_that_volunteer(client, smtp_server, make_volunteer):
    user = make_volunteer("reader@example.org", frequency=User.ReminderFrequency.WEEKLY)
    CampaignFactory()
    reminders_send_weekly_digest()
    header = str(smtp_server.messages[0].message["List-Unsubscribe"]).strip().strip("<>")
    path = header.split("://", 1)[1].split("/", 1)[1]

    response = client.post("/" + path)

    assert response.status_code == HTTPStatus.OK
    user.refresh_from_db()
    assert user.reminder_frequency == User.ReminderFrequency.NEVER
    # And the next digest does not go to them.
    smtp_server.messages.clear()
    from django.utils import timezone

    reminders_send_weekly_digest(now=timezone.now() + timezone.timedelta(weeks=1))
    assert smtp_server.messages == []
