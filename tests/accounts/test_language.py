"""Choosing the language: the profile's, else the switcher's cookie, else Accept-Language; same URLs."""

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories.campaigns import CampaignFactory

pytestmark = pytest.mark.django_db

HOME = "/"


def test_a_visitor_gets_the_browsers_language_on_the_same_url(client):
    english = client.get(HOME).content.decode()
    assert '<html lang="en">' in english
    assert "Call the people who represent you." in english
    spanish = client.get(HOME, headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    html = spanish.content.decode()
    assert '<html lang="es">' in html
    assert "Llama a quienes te representan." in html
    assert spanish.headers["Content-Language"] == "es"
    # The switcher offers the other language, on every page.
    assert 'name="language" value="en"' in html
    assert 'name="language" value="es"' in english


def test_the_switcher_keeps_a_visitors_choice_in_a_cookie_and_returns_to_the_same_page(client):
    response = client.post(reverse("language_set"), {"language": "es", "next": "/campaigns/?chapter=x"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/campaigns/?chapter=x"
    assert response.cookies["language"].value == "es"
    # The cookie beats the browser's English.
    html = client.get("/campaigns/", headers={"accept-language": "en"}).content.decode()
    assert "<h1>Campañas</h1>" in html


def test_the_switcher_saves_a_signed_in_volunteers_choice_on_the_profile(client, volunteer):
    client.force_login(volunteer)
    client.post(reverse("language_set"), {"language": "es", "next": "/profile/"})
    volunteer.refresh_from_db()
    assert volunteer.language == "es"
    client.cookies.clear()
    client.force_login(volunteer)
    # No cookie, an English browser: the profile decides.
    html = client.get("/profile/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="es">' in html
    assert "Guardar el perfil" in html


def test_the_profiles_language_beats_the_cookie_and_the_browser(client, volunteer):
    volunteer.language = "en"
    volunteer.save()
    client.force_login(volunteer)
    client.cookies["language"] = "es"
    html = client.get(HOME, headers={"accept-language": "es"}).content.decode()
    assert '<html lang="en">' in html


def test_the_profile_form_sets_and_clears_the_language(client, volunteer):
    client.force_login(volunteer)
    data = {"name": "Val", "zip_code": "", "time_zone": "America/Chicago", "reminder_frequency": "weekly"}
    client.post("/profile/", {**data, "language": "es"})
    volunteer.refresh_from_db()
    assert volunteer.language == "es"
    client.post("/profile/", {**data, "language": ""})
    volunteer.refresh_from_db()
    assert volunteer.language == ""
    assert client.post("/profile/", {**data, "language": "fr"}).status_code == HTTPStatus.BAD_REQUEST


def test_the_switcher_refuses_an_unknown_language_and_an_offsite_next(client):
    assert client.post(reverse("language_set"), {"language": "fr"}).status_code == HTTPStatus.BAD_REQUEST
    response = client.post(reverse("language_set"), {"language": "es", "next": "https://evil.example/"})
    assert response.url == "/"
    assert client.get(reverse("language_set")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_signing_up_in_spanish_saves_spanish_for_the_reminder_emails(client):
    client.post(
        "/accounts/signup/",
        {"email": "nueva@example.org", "password1": "una-clave-muy-larga-42", "password2": "una-clave-muy-larga-42"},
        headers={"accept-language": "es"},
    )
    assert User.objects.get(email="nueva@example.org").language == "es"


def test_dates_and_numbers_follow_the_language(client):
    CampaignFactory(title="Goal", call_goal=12000, ends_at=dt.datetime(2030, 3, 5, 12, tzinfo=dt.UTC))
    english = client.get("/campaigns/").content.decode()
    assert "Ends Mar 5, 2030" in english  # one date format per language (advocacy/formats)
    assert "12,000" in english
    spanish = client.get("/campaigns/", headers={"accept-language": "es"}).content.decode()
    assert "Termina el 5 mar 2030" in spanish
    assert "12\xa0000" in spanish  # Spanish groups thousands with a (non-breaking) space


def test_allauths_pages_are_in_spanish_in_the_site_layout(client):
    html = client.get("/accounts/signup/", headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in html
    assert "Registrarse" in html
    assert "Mis representantes" in html  # the site's own navigation
