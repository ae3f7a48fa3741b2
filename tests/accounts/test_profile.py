from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Membership, User
from accounts.services import api_token_create
from officials.models import OfficeRole
from tallies.models import CallLog, Outcome
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory
from tests.factories.officials import OfficeFactory, missouri_officials

PASSWORD = "correct horse battery staple"


def _profile_data(**overrides):
    data = {
        "name": "Val Volunteer",
        "zip_code": "65101",
        "time_zone": "America/Chicago",
        "reminder_frequency": "weekly",
    }
    return {**data, **overrides}


def test_profile_page_needs_a_login(client, db):
    response = client.get(reverse("profile"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_shows_the_form_and_links_to_every_account_setting(client, volunteer):
    client.force_login(volunteer)
    response = client.get(reverse("profile"))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'value="Val Volunteer"' in html
    for name in ("account_email", "account_change_password", "mfa_index", "api_tokens", "profile_delete"):
        assert f'href="{reverse(name)}"' in html, name


def test_saving_the_profile_stores_name_time_zone_and_reminders(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("profile"), _profile_data(name="Valerie V", time_zone="America/Denver", reminder_frequency="never")
    )
    assert response.status_code == HTTPStatus.FOUND
    volunteer.refresh_from_db()
    assert (volunteer.name, volunteer.time_zone, volunteer.reminder_frequency) == (
        "Valerie V",
        "America/Denver",
        "never",
    )


@pytest.mark.parametrize("zip_code", ["6510", "651011", "65101-12", "abcde", "65101 1234"])
def test_a_malformed_zip_is_refused_with_a_message_and_not_saved(client, volunteer, zip_code):
    client.force_login(volunteer)
    response = client.post(reverse("profile"), _profile_data(zip_code=zip_code))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "5-digit ZIP code" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.zip_code == "65101"


def test_a_new_zip_fills_the_state_and_drops_a_stale_district_choice(client, db):
    missouri_officials()
    user = UserFactory(zip_code="63103", state="MO", district_ocd_id="ocd-division/country:us/state:mo/cd:1")
    client.force_login(user)

    response = client.post(reverse("profile"), _profile_data(zip_code="90012-1234"))

    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (user.zip_code, user.state, user.district_ocd_id) == ("90012-1234", "CA", "")


def test_zip_plus_four_of_the_same_zip_keeps_the_district_choice(client, db):
    missouri_officials()
    district = "ocd-division/country:us/state:mo/cd:2"
    user = UserFactory(zip_code="63103", state="MO", district_ocd_id=district)
    client.force_login(user)
    client.post(reverse("profile"), _profile_data(zip_code="63103-4455"))
    user.refresh_from_db()
    assert (user.zip_code, user.district_ocd_id) == ("63103-4455", district)


def test_an_empty_zip_clears_the_location(client, volunteer):
    client.force_login(volunteer)
    client.post(reverse("profile"), _profile_data(zip_code=""))
    volunteer.refresh_from_db()
    assert (volunteer.zip_code, volunteer.state) == ("", "")


def test_delete_account_refuses_a_wrong_password(client, volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("profile_delete"), {"password": "not my password"})
    assert response.status_code == HTTPStatus.OK
    assert b"That is not your password." in response.content
    assert User.objects.filter(pk=volunteer.pk).exists()


def test_delete_account_removes_the_user_logs_out_and_keeps_their_calls_counted(client, volunteer):
    action = ActionFactory(target_roles=[OfficeRole.ATTORNEY_GENERAL])
    office = OfficeFactory(role=OfficeRole.ATTORNEY_GENERAL)
    call_ids = [
        CallLog.objects.create(
            user=volunteer, campaign=action.campaign, action=action, office=office, outcome=outcome
        ).pk
        for outcome in (Outcome.REACHED, Outcome.VOICEMAIL)
    ]
    api_token_create(user=volunteer, name="phone")
    client.force_login(volunteer)
    assert client.get(reverse("profile_delete")).status_code == HTTPStatus.OK

    response = client.post(reverse("profile_delete"), {"password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=volunteer.pk).exists()
    assert not Membership.objects.filter(user_id=volunteer.pk).exists()
    assert not ApiToken.objects.filter(user_id=volunteer.pk).exists()
    assert CallLog.objects.filter(pk__in=call_ids, user__isnull=True).count() == len(call_ids)
