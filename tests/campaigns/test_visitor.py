"""A visitor's first look: officials and the filled script from a ZIP kept in the session only; the first
outcome tap is kept and logged once they have signed in; the "done" screen after the last target."""

import uuid
from http import HTTPStatus

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import User
from tallies.models import CallLog, Outcome
from tests.campaigns.test_pages import detail_url, log_data, log_url
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def visitor_zip(client, campaign, zip_code="65101"):
    return client.post(reverse("campaigns:visitor_location", args=[campaign.slug]), {"zip_code": zip_code})


def test_a_visitor_sees_their_officials_phone_and_filled_script_from_a_zip(client, demo, mo):
    response = visitor_zip(client, demo)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{detail_url(demo)}#location"

    html = client.get(detail_url(demo)).content.decode()
    assert "Catherine Hanaway" in html
    assert 'href="tel:+15737513321"' in html
    assert "I&#x27;m calling today to demand that Catherine Hanaway condemn" in html
    assert "Your officials for ZIP <strong>65101</strong>" in html
    # Nothing stored beyond the session: no account, no call, no other row.
    assert User.objects.count() == 0
    assert CallLog.objects.count() == 0
    assert client.session["campaigns.visitor"] == {"zip": "65101", "district": ""}
    # The outcome buttons lead to keeping the tap, not to logging.
    assert f'action="{reverse("campaigns:visitor_outcome", args=[demo.slug])}"' in html
    assert f'hx-post="{log_url(demo)}"' not in html


def test_a_bad_zip_says_so_next_to_the_field(client, demo, mo):
    visitor_zip(client, demo, "ABCDE")
    html = client.get(detail_url(demo)).content.decode()
    assert 'id="id_visitor_zip_error" role="alert"' in html
    assert 'aria-describedby="id_visitor_zip_error"' in html
    assert "Catherine Hanaway" not in html


def test_the_first_tap_is_kept_asks_to_sign_up_and_is_logged_once_after_sign_in(client, demo, call_action, mo):
    visitor_zip(client, demo)
    office = mo["attorney_general"]
    response = client.post(
        reverse("campaigns:visitor_outcome", args=[demo.slug]),
        log_data(call_action, office, outcome=Outcome.REACHED, note="Nice staffer"),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_signup") + "?next=")
    assert CallLog.objects.count() == 0
    signup = client.get(response["Location"]).content.decode()
    assert "we keep “reached a person” and log it as soon as you have confirmed your email" in signup

    # They signed up and confirmed their email (a verified address), then sign in in the same browser.
    user = UserFactory(email="new@example.org", zip_code="", state="")
    answer = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert answer.status_code == HTTPStatus.FOUND

    call = CallLog.objects.get()
    assert (call.user, call.office, call.outcome, call.note) == (user, office, Outcome.REACHED, "Nice staffer")
    user.refresh_from_db()
    assert user.zip_code == "65101"  # the ZIP they looked with, now on their profile
    assert answer["Location"] == f"{detail_url(demo)}#actions"
    page = client.get(answer["Location"]).content.decode()
    assert "Welcome! The call you made before signing up is logged: reached a person" in page

    # Signing in again logs nothing more.
    client.logout()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert CallLog.objects.count() == 1


def test_an_unconfirmed_signup_logs_nothing(client, demo, call_action, mo):
    visitor_zip(client, demo)
    client.post(reverse("campaigns:visitor_outcome", args=[demo.slug]), log_data(call_action, mo["attorney_general"]))
    user = UserFactory(email="unconfirmed@example.org", zip_code="", verified=False)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert CallLog.objects.count() == 0
    assert "campaigns.pending_call" in Session.objects.get().get_decoded()


def test_a_signed_in_caller_never_uses_the_visitor_paths(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    response = client.post(
        reverse("campaigns:visitor_outcome", args=[demo.slug]), log_data(call_action, mo["attorney_general"])
    )
    assert response.status_code == HTTPStatus.FOUND
    assert CallLog.objects.count() == 0
    assert "campaigns.pending_call" not in client.session


def test_after_the_last_target_the_done_screen_thanks_shows_the_total_and_shares(
    client, volunteer, demo, call_action, write_action, mo
):
    client.force_login(volunteer)
    page = client.get(detail_url(demo)).content.decode()
    assert 'id="campaign-done"' in page
    assert "You're done" not in page
    first = client.post(log_url(demo), log_data(call_action, mo["attorney_general"]), HTTP_HX_REQUEST="true")
    assert "You're done" not in first.content.decode()
    assert "campaign-done" not in first["HX-Trigger-After-Settle"]

    last = client.post(
        log_url(demo),
        log_data(write_action, mo["doj"], outcome=Outcome.SENT, key=str(uuid.uuid4())),
        HTTP_HX_REQUEST="true",
    )
    html = last.content.decode()
    assert (
        'id="campaign-done" class="card done" aria-labelledby="done-heading" tabindex="-1" hx-swap-oob="outerHTML"'
        in html
    )
    assert "You're done. Thank you!" in html
    assert 'Together we have made <strong id="done-total">2</strong> calls toward a goal of 500.' in html
    assert f'data-share-url="http://testserver{detail_url(demo)}"' in html
    assert 'id="share-link" readonly value="http://testserver' in html
    assert "campaign-done" in last["HX-Trigger-After-Settle"]


def test_without_javascript_the_last_target_lands_on_the_done_screen(
    client, volunteer, demo, call_action, write_action, mo
):
    client.force_login(volunteer)
    client.post(log_url(demo), log_data(call_action, mo["attorney_general"]))
    response = client.post(log_url(demo), log_data(write_action, mo["doj"], outcome=Outcome.SENT))
    assert response["Location"] == f"{detail_url(demo)}#campaign-done"
    assert "You're done. Thank you!" in client.get(response["Location"]).content.decode()
