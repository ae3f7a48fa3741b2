import uuid
from http import HTTPStatus

import pytest

from campaigns.models import Campaign
from tallies.models import CallLog, Outcome, Source
from tests.bodies import same_answer
from tests.factories.accounts import ChapterFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory

CALLS = "/api/v1/calls/"


@pytest.fixture
def volunteer_api(token_client, volunteer):
    return token_client(volunteer)


def call_body(demo, action, office, **extra):
    return {"campaign": demo.slug, "action": action.pk, "office": office.pk, "outcome": "voicemail", **extra}


# ------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------
def test_the_campaign_list_shows_visible_active_campaigns_with_totals(volunteer_api, chapter, demo):
    CampaignFactory(title="Draft", status=Campaign.Status.DRAFT)
    CampaignFactory(title="Theirs", chapter=ChapterFactory(slug="elsewhere"))
    ours = CampaignFactory(title="Ours", chapter=chapter)
    response = volunteer_api.get("/api/v1/campaigns/")
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert [c["slug"] for c in body["results"]] == [ours.slug, demo.slug]
    assert body["results"][1]["calls_total"] == 0
    assert body["results"][0]["chapter"] == chapter.slug


def test_the_campaign_list_filters_by_chapter_and_national(volunteer_api, chapter, demo):
    ours = CampaignFactory(chapter=chapter)
    assert [c["slug"] for c in volunteer_api.get(f"/api/v1/campaigns/?chapter={chapter.slug}").json()["results"]] == [
        ours.slug
    ]
    assert [c["slug"] for c in volunteer_api.get("/api/v1/campaigns/?national=true").json()["results"]] == [demo.slug]


def test_the_campaign_detail_has_actions_and_sanitised_background(volunteer_api, demo):
    demo.background = "Hi <script>alert(1)</script> [x](javascript:alert(1))"
    demo.save()
    body = volunteer_api.get(f"/api/v1/campaigns/{demo.slug}/").json()
    assert [a["kind"] for a in body["actions"]] == ["write", "call"]
    assert "<script" not in body["background_html"]
    assert "href" not in body["background_html"]


def test_a_draft_campaign_is_a_404_for_volunteers(volunteer_api):
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    assert volunteer_api.get(f"/api/v1/campaigns/{draft.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert volunteer_api.get(f"/api/v1/campaigns/{draft.slug}/targets/?zip=65101").status_code == HTTPStatus.NOT_FOUND


def test_the_campaign_api_needs_authentication(api_client, demo):
    assert api_client.get("/api/v1/campaigns/").status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_targets_list_my_officials_per_action_with_filled_scripts(volunteer_api, demo):
    body = volunteer_api.get(f"/api/v1/campaigns/{demo.slug}/targets/?zip=65101").json()
    assert body["zip"] == "65101"
    assert body["split"] is False
    write, call = body["actions"]
    assert write["targets"][0]["contact_form"] == "https://www.justice.gov/contact-us"
    assert write["targets"][0]["is_fixed"] is True
    ag = call["targets"][0]
    assert ag["person"]["name"] == "Catherine Hanaway"
    assert ag["phones"][0]["number"] == "+15737513321"
    assert "demand that Catherine Hanaway condemn" in ag["script"]
    assert ag["voicemail_script"].startswith("IF LEAVING A VOICEMAIL")
    assert ag["unknown_placeholders"] == []


def test_targets_default_to_my_saved_zip(volunteer_api, demo):
    body = volunteer_api.get(f"/api/v1/campaigns/{demo.slug}/targets/").json()
    assert body["zip"] == "65101"


def test_targets_report_a_split_zip_and_accept_a_district(volunteer_api, mo):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign, target_roles=["us_house"])
    body = volunteer_api.get(f"/api/v1/campaigns/{campaign.slug}/targets/?zip=63103").json()
    assert body["split"] is True
    assert len(body["districts"]) == 2
    assert len(body["actions"][0]["targets"]) == 2
    chosen = volunteer_api.get(
        f"/api/v1/campaigns/{campaign.slug}/targets/?zip=63103&district=ocd-division/country:us/state:mo/cd:1"
    ).json()
    assert chosen["split"] is False
    assert chosen["chosen_district"] == "ocd-division/country:us/state:mo/cd:1"
    assert [t["person"]["name"] for t in chosen["actions"][0]["targets"]] == ["Wesley Bell"]


@pytest.mark.parametrize("zip_code", ["6510", "abcde", "x" * 11, "65101-12345"])
def test_targets_with_a_malformed_zip_are_a_400(volunteer_api, demo, zip_code):
    response = volunteer_api.get(f"/api/v1/campaigns/{demo.slug}/targets/", {"zip": zip_code})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "validation_error"


def test_targets_without_any_zip_are_a_409(token_client, demo):
    """Nothing wrong with the request (the schema allows leaving zip out): the profile has no ZIP to use."""
    user = UserFactory(zip_code="")
    response = token_client(user).get(f"/api/v1/campaigns/{demo.slug}/targets/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "zip_required"


# ------------------------------------------------------------------------------
# Logging calls
# ------------------------------------------------------------------------------
def test_posting_a_call_logs_it_and_returns_201(volunteer_api, volunteer, demo, call_action, mo):
    response = volunteer_api.post(
        CALLS,
        call_body(demo, call_action, mo["attorney_general"], note="Took my address"),
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == HTTPStatus.CREATED
    call = CallLog.objects.get()
    assert (call.user, call.source, call.outcome, call.note) == (
        volunteer,
        Source.API,
        Outcome.VOICEMAIL,
        "Took my address",
    )
    assert response.json()["person_name"] == "Catherine Hanaway"


def test_a_replayed_key_logs_one_call_and_returns_the_same_body_with_200(volunteer_api, demo, call_action, mo):
    key = str(uuid.uuid4())
    body = call_body(demo, call_action, mo["attorney_general"])
    first = volunteer_api.post(CALLS, body, HTTP_IDEMPOTENCY_KEY=key)
    second = volunteer_api.post(CALLS, body, HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code) == (HTTPStatus.CREATED, HTTPStatus.OK)
    assert same_answer(first) == same_answer(second)
    assert CallLog.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_422(volunteer_api, demo, call_action, mo):
    key = str(uuid.uuid4())
    volunteer_api.post(CALLS, call_body(demo, call_action, mo["attorney_general"]), HTTP_IDEMPOTENCY_KEY=key)
    response = volunteer_api.post(
        CALLS, call_body(demo, call_action, mo["attorney_general"], outcome="reached"), HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert CallLog.objects.count() == 1


def test_without_a_key_every_post_logs_a_call(volunteer_api, demo, call_action, mo):
    for _ in range(2):
        assert volunteer_api.post(CALLS, call_body(demo, call_action, mo["attorney_general"])).status_code == 201
    assert CallLog.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": "abc"}, "action"),
        ({"action": 0}, "action"),
        ({"action": 2**70}, "action"),
        ({"office": None}, "office"),
        ({"outcome": "shouted"}, "outcome"),
        ({"note": "x" * 1001}, "note"),
        ({"note": "nul\x00byte"}, "note"),
        ({"client_timestamp": "yesterday"}, "client_timestamp"),
        ({"campaign": "not a slug!"}, "campaign"),
    ],
)
def test_malformed_calls_are_400s_naming_the_field(volunteer_api, demo, call_action, mo, change, field):
    body = {**call_body(demo, call_action, mo["attorney_general"]), **change}
    response = volunteer_api.post(CALLS, body, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert field in response.json()["error"]["fields"]
    assert CallLog.objects.count() == 0


def test_unknown_ids_are_422_and_an_unknown_campaign_is_404(volunteer_api, demo, call_action, mo):
    other = ActionFactory()
    body = call_body(demo, call_action, mo["attorney_general"])

    def code(response):
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
        return response.json()["error"]["code"]

    assert code(volunteer_api.post(CALLS, {**body, "action": other.pk})) == "unknown_action"
    assert code(volunteer_api.post(CALLS, {**body, "office": 999999})) == "unknown_office"
    assert code(volunteer_api.post(CALLS, {**body, "office": mo["governor"].pk})) == "not_a_target"
    assert volunteer_api.post(CALLS, {**body, "campaign": "no-such-campaign"}).status_code == HTTPStatus.NOT_FOUND


def test_a_body_that_is_not_an_object_is_a_400(volunteer_api):
    for payload in ('["a"]', "nonsense", "null", '{"campaign": {"a": 1}}'):
        response = volunteer_api.post(CALLS, payload, content_type="application/json")
        assert response.status_code == HTTPStatus.BAD_REQUEST, payload


def test_a_malformed_idempotency_key_is_a_400(volunteer_api, demo, call_action, mo):
    response = volunteer_api.post(
        CALLS, call_body(demo, call_action, mo["attorney_general"]), HTTP_IDEMPOTENCY_KEY="x" * 101
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_a_call_on_a_draft_campaign_is_refused_like_a_missing_one(volunteer_api, mo):
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    action = ActionFactory(campaign=draft)
    response = volunteer_api.post(CALLS, call_body(draft, action, mo["attorney_general"]))
    missing = volunteer_api.post(CALLS, {**call_body(draft, action, mo["attorney_general"]), "campaign": "nope"})
    assert response.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    assert same_answer(response) == same_answer(missing)


def test_a_call_on_another_chapters_campaign_is_refused_like_a_missing_one(volunteer_api, mo):
    theirs = CampaignFactory(chapter=ChapterFactory(slug="elsewhere"))
    action = ActionFactory(campaign=theirs)
    response = volunteer_api.post(CALLS, call_body(theirs, action, mo["attorney_general"]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert CallLog.objects.count() == 0


def test_a_volunteer_sees_only_their_own_calls(token_client, volunteer, demo, call_action, mo):
    someone_else = UserFactory()
    token_client(someone_else).post(CALLS, call_body(demo, call_action, mo["attorney_general"]))
    mine = token_client(volunteer)
    mine.post(CALLS, call_body(demo, call_action, mo["attorney_general"], note="mine"))
    body = mine.get(CALLS).json()
    assert len(body["results"]) == 1
    assert body["results"][0]["note"] == "mine"
    assert token_client(someone_else).get(CALLS).json()["results"][0]["note"] == ""


def test_my_calls_filter_by_campaign(volunteer_api, demo, call_action, mo):
    volunteer_api.post(CALLS, call_body(demo, call_action, mo["attorney_general"]))
    assert len(volunteer_api.get(CALLS, {"campaign": demo.slug}).json()["results"]) == 1
    assert volunteer_api.get(CALLS, {"campaign": "other"}).json()["results"] == []


def test_calls_need_authentication(api_client):
    assert api_client.get(CALLS).status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert api_client.post(CALLS, {}).status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)


def test_the_calls_endpoint_is_throttled_in_scope_calls(settings):
    from tallies.api.calls import CallViewSet

    assert CallViewSet.throttle_scope == "calls"


def test_the_openapi_schema_documents_the_idempotency_key(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == HTTPStatus.OK
    schema = response.content.decode()
    assert "Idempotency-Key" in schema
    assert "/api/v1/campaigns/{slug}/targets/" in schema


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_key_sent_many_times_at_once_logs_one_call(token_client, volunteer, mo):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from campaigns.services import campaign_demo_create

    demo = campaign_demo_create(chapter=None)
    action = demo.actions.get(kind="call")
    clients = [token_client(volunteer) for _ in range(16)]  # APIClient is not thread-safe
    key = str(uuid.uuid4())
    body = call_body(demo, action, mo["attorney_general"])

    def post(client):
        try:
            return client.post(CALLS, body, HTTP_IDEMPOTENCY_KEY=key).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(post, clients))
    assert CallLog.objects.count() == 1
    assert sorted(set(codes)) == [HTTPStatus.OK, HTTPStatus.CREATED]
    assert codes.count(HTTPStatus.CREATED) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/calls/?campaign=%00",
        "/api/v1/calls/?page_size=-1",
        "/api/v1/campaigns/?chapter=%00",
        "/api/v1/campaigns/?q=%00",
        "/api/v1/campaigns/?national=maybe",
        "/api/v1/campaigns/?page=abc",
        "/api/v1/campaigns/{slug}/targets/?zip=%00",
        "/api/v1/campaigns/{slug}/targets/?zip=65101&district=" + "x" * 300,
    ],
)
def test_odd_query_strings_are_answered_without_a_server_error(volunteer_api, demo, url):
    response = volunteer_api.get(url.format(slug=demo.slug))
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
