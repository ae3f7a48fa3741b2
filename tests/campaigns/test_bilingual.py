"""Campaigns in two languages: authored side by side, previewed in both, served in the reader's language."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from campaigns.models import Action, Campaign
from tests.factories.campaigns import ActionFactory, CampaignFactory

ES = {"accept-language": "es"}


def detail(campaign):
    return reverse("campaigns:detail", args=[campaign.slug])


# ------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------
def test_a_spanish_reader_gets_the_spanish_demo_with_the_script_filled_in(client, volunteer, demo):
    client.force_login(volunteer)
    html = client.get(detail(demo), headers=ES).content.decode()
    assert demo.title_es in html
    assert "Contexto" in html
    assert "Escribe</strong> al Departamento de Justicia" in html
    assert "Llamo para pedir que Catherine Hanaway condene" in html
    assert "SI DEJAS UN MENSAJE DE VOZ" in html
    assert "Le escribo desde Jefferson City, MO" in html
    assert 'Llamar <span class="phone-number">573-751-3321</span>' in html
    assert "[STATE AG" not in html
    assert "no está en español" not in html  # every text of the demo has its Spanish version
    english = client.get(detail(demo), headers={"accept-language": "en"}).content.decode()
    assert "I&#x27;m calling today to demand that Catherine Hanaway condemn" in english
    assert "Llamo para pedir" not in english


def test_a_missing_spanish_text_falls_back_to_english_with_a_note(client, volunteer, mo):
    campaign = CampaignFactory(title="Only English", background="English **background**.", title_es="Solo título")
    ActionFactory(campaign=campaign, title="Call", script="Hello [STATE AG's NAME], from [YOUR NAME].")
    client.force_login(volunteer)
    volunteer.zip_code = "65101"
    volunteer.save()
    html = client.get(detail(campaign), headers=ES).content.decode()
    assert "<h1>Solo título</h1>" in html
    assert "English <strong>background</strong>." in html
    assert "Parte de esta campaña aún no está en español, así que se muestra en inglés." in html
    assert "Esta acción aún no está toda en español" in html
    # The placeholders work the same in the English text shown to a Spanish reader.
    assert "Hello Catherine Hanaway, from Val Volunteer." in html


def test_the_placeholders_work_the_same_in_the_spanish_script(client, volunteer, mo):
    campaign = CampaignFactory()
    ActionFactory(
        campaign=campaign,
        script="Hi [STATE AG's NAME]",
        script_es="Hola, [STATE AG's NAME]. Soy [YOUR NAME], de [CITY, ZIP].",
        voicemail_script_es="Deja tu dirección, [YOUR NAME].",
    )
    volunteer.zip_code = "65101"
    volunteer.save()
    client.force_login(volunteer)
    html = client.get(detail(campaign), headers=ES).content.decode()
    assert "Hola, Catherine Hanaway. Soy Val Volunteer, de Jefferson City, 65101." in html
    assert "Deja tu dirección, Val Volunteer." in html


def test_the_campaign_list_marks_the_campaigns_that_have_spanish(client, demo):
    CampaignFactory(title="English only campaign")
    html = client.get(reverse("campaigns:list")).content.decode()
    assert html.count('<span class="badge badge-language" lang="es">En español</span>') == 1
    spanish = client.get(reverse("campaigns:list"), headers=ES).content.decode()
    assert demo.title_es in spanish
    assert "English only campaign" in spanish


def test_leads_author_both_languages_side_by_side_and_the_preview_shows_both(client, chapter_lead, chapter, mo):
    client.force_login(chapter_lead)
    form = client.get(reverse("campaigns:create")).content.decode()
    assert form.index('name="title"') < form.index('name="title_es"') < form.index('name="summary"')
    assert 'class="field field-es"' in form
    response = client.post(
        reverse("campaigns:create"),
        {
            "chapter": chapter.pk,
            "title": "Fund the clinics",
            "title_es": "Financien las clínicas",
            "summary": "Call now.",
            "summary_es": "Llama ya.",
            "background": "Why.",
            "background_es": "Por qué.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    campaign = Campaign.objects.get(title="Fund the clinics")
    assert (campaign.title_es, campaign.summary_es, campaign.background_es) == (
        "Financien las clínicas",
        "Llama ya.",
        "Por qué.",
    )
    response = client.post(
        reverse("campaigns:action_create", args=[campaign.slug]),
        {
            "kind": "call",
            "position": 1,
            "title": "Call your AG",
            "title_es": "Llama a tu fiscal general",
            "script": "Hi [STATE AG's NAME]",
            "script_es": "Hola, [STATE AG's NAME]. [NOMBRE RARO]",
            "voicemail_script_es": "Buzón de [YOUR NAME]",
            "target_roles": ["attorney_general"],
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Action.objects.get(campaign=campaign).script_es.startswith("Hola")
    preview = client.get(reverse("campaigns:preview", args=[campaign.slug])).content.decode()
    assert "Hi Catherine Hanaway" in preview
    assert "Script in Spanish" in preview
    assert "Hola, Catherine Hanaway." in preview
    assert "Voicemail in Spanish" in preview
    assert "Financien las clínicas" in preview
    assert "Por qué." in preview
    assert "Unknown placeholder [NOMBRE RARO] in the Spanish script." in preview


# ------------------------------------------------------------------------------
# The API
# ------------------------------------------------------------------------------
@pytest.fixture
def api(token_client, volunteer):
    return token_client(volunteer)


def test_the_api_returns_spanish_scripts_for_accept_language_es(api, demo):
    body = api.get(f"/api/v1/campaigns/{demo.slug}/", headers=ES).json()
    assert body["title"] == demo.title_es
    assert body["language"] == "es"
    assert body["has_spanish"] is True
    assert body["untranslated"] == []
    call = next(a for a in body["actions"] if a["kind"] == "call")
    assert call["script"].startswith("Hola, me llamo [YOUR NAME]")
    assert "[STATE AG's NAME]" in call["script"]
    targets = api.get(f"/api/v1/campaigns/{demo.slug}/targets/?zip=65101", headers=ES).json()
    call = next(a for a in targets["actions"] if a["kind"] == "call")
    assert call["title"] == "Llama al fiscal general de tu estado"
    assert "Llamo para pedir que Catherine Hanaway condene" in call["targets"][0]["script"]
    assert call["targets"][0]["voicemail_script"].startswith("SI DEJAS UN MENSAJE DE VOZ")


def test_the_api_speaks_english_by_default_and_lang_beats_accept_language(api, demo):
    assert api.get(f"/api/v1/campaigns/{demo.slug}/").json()["title"] == demo.title
    assert api.get(f"/api/v1/campaigns/{demo.slug}/?lang=es", headers={"accept-language": "en"}).json()["title"] == (
        demo.title_es
    )
    assert api.get(f"/api/v1/campaigns/{demo.slug}/?lang=en", headers=ES).json()["title"] == demo.title
    listed = api.get("/api/v1/campaigns/?lang=es").json()["results"]
    assert listed[0]["title"] == demo.title_es


def test_the_api_says_which_texts_fall_back_to_english(api, demo):
    CampaignFactory(title="English", summary="Only English", slug="english-only")
    body = api.get("/api/v1/campaigns/english-only/?lang=es").json()
    assert body["title"] == "English"
    assert body["has_spanish"] is False
    assert body["untranslated"] == ["title", "summary", "background"]


def test_an_unknown_lang_is_a_400_in_the_error_shape(api, demo):
    response = api.get(f"/api/v1/campaigns/{demo.slug}/?lang=fr")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "validation_error"
    assert "lang" in response.json()["error"]["fields"]


def test_api_error_messages_are_in_spanish_for_accept_language_es(api, volunteer, demo, client):
    volunteer.zip_code = ""
    volunteer.save()
    missing = api.get("/api/v1/campaigns/no-such-campaign/", headers=ES).json()
    assert missing["error"]["message"] == "No encontrado."
    no_zip = api.get(f"/api/v1/campaigns/{demo.slug}/targets/", headers=ES).json()
    assert no_zip["error"]["code"] == "zip_required"
    assert no_zip["error"]["message"] == "Indica un código postal o guarda el tuyo en tu perfil."
    anonymous = client.get("/api/v1/campaigns/", headers=ES).json()
    assert anonymous["error"]["message"] == "Las credenciales de autenticación no se proveyeron."


def test_the_schema_documents_lang_and_accept_language(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/campaigns/", "/api/v1/campaigns/{slug}/", "/api/v1/campaigns/{slug}/targets/"):
        parameters = {(p["name"], p["in"]) for p in schema["paths"][path]["get"]["parameters"]}
        assert {("lang", "query"), ("Accept-Language", "header")} <= parameters, path


def test_the_demo_gets_its_spanish_version_on_the_next_start_and_keeps_spanish_written_by_hand(mo):
    from campaigns.services import campaign_demo_create

    demo = campaign_demo_create(chapter=None)
    Campaign.objects.filter(pk=demo.pk).update(title_es="", background_es="Escrito a mano.")
    Action.objects.filter(campaign=demo).update(script_es="", voicemail_script_es="")
    campaign_demo_create(chapter=None)
    demo.refresh_from_db()
    assert demo.title_es.startswith("No a las condenas")
    assert demo.background_es == "Escrito a mano."
    call = demo.actions.get(kind="call")
    assert "[STATE AG's NAME]" in call.script_es
    assert call.voicemail_script_es.startswith("SI DEJAS")
    assert demo.actions.get(kind="write").script_es.startswith("Estimado Fiscal General:")
