"""The leads' pages: upload, preview every row and problem, fix in place, confirm; the action form."""

import hashlib
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Action
from targetlists.models import TargetList, TargetListMember
from tests.factories.campaigns import CampaignFactory

from .conftest import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def new_url(chapter):
    return reverse("targetlists:new", args=[chapter.slug])


def test_preview_shows_rows_and_errors_then_fix_and_confirm(client, chapter, lead):
    client.force_login(lead)
    bad = csv_bytes(*ROWS[:3], "Pat Placeholder,President,,314-555-01,,,,,,w0")
    upload = SimpleUploadedFile("aldermen.csv", bad, content_type="text/csv")
    response = client.post(new_url(chapter), {"name": "Aldermen", "file": upload, "step": "preview"})
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    page = response.content.decode()
    assert "1 problem: nothing was imported." in page
    assert "Row 5, column phone: 314-555-01 is not a valid U.S. phone number." in page
    assert "(314) 555-0101" in page  # the good rows as they will be stored
    assert not TargetList.objects.exists()
    # The text comes back in the box; the lead fixes the row there and previews again.
    text = response.context["form"].initial["text"].replace("314-555-01,", "314-555-0100,")
    response = client.post(new_url(chapter), {"name": "Aldermen", "text": text, "step": "preview"})
    assert response.status_code == HTTPStatus.OK
    assert "4 rows are ready to import." in response.content.decode()
    assert not TargetList.objects.exists()
    digest = response.context["form"].initial["digest"]
    response = client.post(new_url(chapter), {"name": "Aldermen", "text": text, "digest": digest, "step": "confirm"})
    target_list = TargetList.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("targetlists:detail", args=[chapter.slug, target_list.pk])
    assert TargetListMember.objects.count() == 4
    detail = client.get(response["Location"]).content.decode()
    assert "Pat Placeholder" in detail
    assert "(314) 555-0100" in detail


def test_a_confirm_with_changed_text_previews_again(client, chapter, lead):
    client.force_login(lead)
    text = csv_bytes(*ROWS).decode()
    stale = hashlib.sha256(b"something else").hexdigest()
    response = client.post(new_url(chapter), {"name": "A", "text": text, "digest": stale, "step": "confirm"})
    assert response.status_code == HTTPStatus.OK
    assert "changed since the preview" in response.content.decode()
    assert not TargetList.objects.exists()


def test_hostile_uploads_get_clear_errors_and_write_nothing(client, chapter, lead):
    client.force_login(lead)
    cases = {
        "cp1252": (csv_bytes("José Núñez,Alderperson,,,,,,,,w1", encoding="cp1252"), "not UTF-8"),
        "formula": (csv_bytes('"=HYPERLINK(""http://x"")",Alderperson,,,,,,,,w1'), "spreadsheet formula"),
        "huge": (b"name,title\n" + b"a,b\n" * 300_000, "the limit is 1,024 KB"),
        "duplicates": (csv_bytes(ROWS[0], ROWS[0]), "is also the external_id of row 2"),
    }
    for name, (data, expected) in cases.items():
        upload = SimpleUploadedFile(f"{name}.csv", data, content_type="text/csv")
        response = client.post(new_url(chapter), {"name": name, "file": upload, "step": "confirm"})
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, name
        assert expected in response.content.decode(), name
    assert not TargetList.objects.exists()


def test_ten_thousand_rows_are_refused_on_the_page(client, chapter, lead, settings):
    settings.TARGET_LIST_MAX_BYTES = 5 * 1024 * 1024
    client.force_login(lead)
    data = csv_bytes(*[f"Person {i},Alderperson,,,,,,,,id-{i}" for i in range(10_000)])
    upload = SimpleUploadedFile("big.csv", data, content_type="text/csv")
    response = client.post(new_url(chapter), {"name": "Big", "file": upload, "step": "preview"})
    assert "more than 2,000 rows" in response.content.decode()
    assert not TargetList.objects.exists()


def test_only_leads_reach_the_pages(client, chapter, volunteer, aldermen):
    client.force_login(volunteer)
    for url in (
        reverse("targetlists:index", args=[chapter.slug]),
        new_url(chapter),
        reverse("targetlists:detail", args=[chapter.slug, aldermen.pk]),
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_reimport_page_shows_what_would_change(client, chapter, lead, aldermen):
    client.force_login(lead)
    url = reverse("targetlists:reimport", args=[chapter.slug, aldermen.pk])
    response = client.post(url, {"text": csv_bytes(*ROWS[:3]).decode(), "step": "preview"})
    page = response.content.decode()
    assert "0 created, 0 updated, 3 unchanged, 1 retired" in page
    assert "Pat Placeholder" in page  # named among those leaving


def test_the_action_form_offers_only_the_chapters_lists(client, chapter, lead, aldermen):
    client.force_login(lead)
    campaign = CampaignFactory(chapter=chapter, status="draft")
    url = reverse("campaigns:action_create", args=[campaign.slug])
    page = client.get(url).content.decode()
    assert "Board of Aldermen" in page
    response = client.post(
        url,
        {
            "kind": "call",
            "position": 1,
            "title": "Call your alderperson",
            "script": "Hi [OFFICIAL NAME] of [DISTRICT]",
            "target_list": aldermen.pk,
            "target_list_mode": "own",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    action = Action.objects.get(campaign=campaign)
    assert (action.target_list, action.target_list_mode) == (aldermen, "own")
    preview = client.get(reverse("campaigns:preview", args=[campaign.slug])).content.decode()
    assert "Hi Alex Sample of Ward 1" in preview


def test_the_template_csv_has_every_column(client):
    response = client.get(reverse("targetlists:template"))
    assert response.content.decode().startswith("name,title,title_es,phone")


def test_the_preview_and_its_errors_speak_spanish(client, chapter, lead):
    lead.language = "es"
    lead.save()
    client.force_login(lead)
    text = csv_bytes("Alex Sample,Alderperson,Concejal,314-555-01,,Ward 1,Distrito 1,63103,,w1").decode()
    response = client.post(
        new_url(chapter), {"name": "Concejo", "text": text, "step": "preview"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    page = response.content.decode()
    assert "Fila 2, columna phone: 314-555-01 no es un número de teléfono válido de EE. UU." in page
    assert "1 problema: no se importó nada." in page
