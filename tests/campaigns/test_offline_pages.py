"""What the installable app serves, and which pages the service worker may keep on a phone."""

import json
import re
import struct
from pathlib import Path

import pytest
from django.test import Client

from advocacy.offline import OFFLINE_CACHE_HEADER, offline_user_key
from tests.factories.accounts import UserFactory

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_the_manifest_names_the_app_its_start_url_and_real_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/campaigns/"
    assert manifest["scope"] == "/"
    for icon in manifest["icons"]:
        data = (STATIC / "icons" / icon["src"].rsplit("/", 1)[-1]).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert "{}x{}".format(*struct.unpack(">II", data[16:24])) == icon["sizes"]


def test_the_manifest_speaks_the_visitors_language(client):
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="es").content)
    assert manifest["lang"] == "es"
    assert manifest["short_name"] == "Llamar"


def test_the_service_worker_is_served_from_the_root_fresh_and_under_the_sites_csp(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    body = response.content.decode()
    assert '"/static/js/offline.js"' in body
    assert f'"{OFFLINE_CACHE_HEADER.lower()}"' in body
    # Its version changes with what it precaches, so a deploy replaces the worker and its caches.
    assert 'const VERSION = "' in body


@pytest.mark.django_db
def test_only_a_signed_in_callers_own_campaign_pages_may_be_kept(client, volunteer, demo):
    for url in ("/campaigns/", f"/campaigns/{demo.slug}/"):
        assert OFFLINE_CACHE_HEADER not in client.get(url)
    client.force_login(volunteer)
    for url in ("/campaigns/", f"/campaigns/{demo.slug}/"):
        assert client.get(url)[OFFLINE_CACHE_HEADER] == offline_user_key(volunteer)
    # Pages that are not for reading on a call (the profile, tokens) are never kept.
    assert OFFLINE_CACHE_HEADER not in client.get("/profile/")
    assert OFFLINE_CACHE_HEADER not in client.get("/campaigns/no-such-campaign/")


@pytest.mark.django_db
def test_each_user_gets_a_different_opaque_key():
    first, second = UserFactory(), UserFactory()
    assert offline_user_key(first) != offline_user_key(second)
    # A keyed hash of the id: stable, and nothing a page could turn back into the user.
    assert offline_user_key(first) == offline_user_key(first)
    assert re.fullmatch(r"[0-9a-f]{24}", offline_user_key(first))


@pytest.mark.django_db
def test_signing_out_tells_the_browser_to_clear_what_this_site_kept(volunteer):
    client = Client()
    client.force_login(volunteer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_offline_fallback_page(client):
    response = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Sin conexión" in response.content.decode()
