from http import HTTPStatus

import pytest
from django.urls import reverse

from officials.models import ContactPoint
from tests.factories.officials import missouri_officials

URL = reverse("officials:lookup")


@pytest.fixture
def missouri(db):
    return missouri_officials()


def test_the_page_lists_the_callers_officials_with_click_to_call_numbers(client, missouri):
    response = client.get(URL, {"zip": "65101"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in ["Josh Hawley", "Eric Schmitt", "Bob Onder", "Mike Kehoe", "Catherine Hanaway"]:
        assert text in html
    assert 'href="tel:+15737513321"' in html
    assert "(573) 751-3321" in html
    assert "Ann Wagner" not in html  # MO-2 is not this ZIP's district
    assert html.index("U.S. Senator") < html.index("U.S. Representative") < html.index("Attorney General")


def test_a_split_zip_shows_every_candidate_and_a_form_to_choose(client, missouri):
    html = client.get(URL, {"zip": "63103"}).content.decode()
    assert "spans 2 congressional districts" in html
    assert "Wesley Bell" in html
    assert "Ann Wagner" in html
    assert 'name="district" id="district-1" value="ocd-division/country:us/state:mo/cd:1"' in html
    assert 'method="get"' in html  # anonymous: the choice goes in the URL


def test_an_anonymous_caller_chooses_the_district_through_the_url(client, missouri):
    html = client.get(URL, {"zip": "63103", "district": "ocd-division/country:us/state:mo/cd:2"}).content.decode()
    assert "Ann Wagner" in html
    assert "Wesley Bell" not in html
    assert "spans 2" not in html


def test_a_signed_in_caller_saves_the_district_choice(client, missouri, volunteer):
    client.force_login(volunteer)
    response = client.post(URL, {"zip": "63103", "district": "ocd-division/country:us/state:mo/cd:2"})
    assert response.status_code == HTTPStatus.FOUND
    volunteer.refresh_from_db()
    assert (volunteer.zip_code, volunteer.district_ocd_id) == ("63103", "ocd-division/country:us/state:mo/cd:2")
    html = client.get(URL).content.decode()  # prefilled from the saved ZIP and district
    assert 'value="63103"' in html
    assert "Ann Wagner" in html
    assert "Wesley Bell" not in html


def test_a_signed_in_callers_zip_prefills_the_page(client, missouri, volunteer):
    client.force_login(volunteer)
    html = client.get(URL).content.decode()
    assert 'value="65101"' in html
    assert "Catherine Hanaway" in html


def test_a_zip_missing_from_the_table_says_the_representative_is_unknown(client, missouri):
    html = client.get(URL, {"zip": "65109"}).content.decode()
    assert "representative is unknown" in html
    assert "Catherine Hanaway" in html


def test_a_malformed_zip_gets_a_clear_message(client, missouri):
    response = client.get(URL, {"zip": "651"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Enter a 5-digit ZIP code" in response.content.decode()


def test_a_member_without_a_photo_url_gets_the_placeholder_and_members_of_congress_get_theirs(client, missouri):
    from officials.models import Person

    Person.objects.filter(name="Josh Hawley").update(
        photo_url="https://theunitedstates.io/images/congress/225x275/H001089.jpg"
    )
    html = client.get(URL, {"zip": "65101"}).content.decode()
    assert "225x275/H001089.jpg" in html
    assert html.count('class="photo official-photo"') == 5
    # Everyone gets initials under the photo, shown when there is none or it fails to load.
    assert '<span class="photo-initials">CH</span>' in html
    assert '<span class="photo-initials">JH</span>' in html


def test_each_phone_offers_a_wrong_number_report_to_signed_in_volunteers(client, missouri, volunteer):
    cp = ContactPoint.objects.get(value="+15737513321")
    html = client.get(URL, {"zip": "65101"}).content.decode()
    assert reverse("account_login") in html  # anonymous: log in first
    client.force_login(volunteer)
    html = client.get(URL, {"zip": "65101"}).content.decode()
    assert reverse("officials:contact_point_report", args=[cp.pk]) in html
