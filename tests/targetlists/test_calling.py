"""A list member is called, logged and counted like any other office: page, API, fast path, batch, tallies."""

import csv
import io
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.selectors import campaign_targets
from tallies.api import fast_path_caches
from tallies.models import CallLog
from tallies.rollups import rollup_calls
from tallies.services import TooManyCallsToOffice, call_log_create, call_log_create_batch
from tallies.services.rules import ZipCodeRequired
from targetlists.models import TargetListMember
from targetlists.services import target_list_choice_set
from tests.factories.accounts import MembershipFactory, UserFactory

from .conftest import list_action

pytestmark = pytest.mark.django_db


def member(external_id):
    return TargetListMember.objects.select_related("office").get(external_id=external_id)


def names(targets, index=0):
    return [t.entry.person.name for t in targets.actions[index].targets]


def test_own_member_is_matched_by_zip_with_the_script_filled(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen)
    targets = campaign_targets(campaign=action.campaign, user=volunteer)
    # 63103: Ward 1, and the board president, who represents everyone.
    assert names(targets) == ["Alex Sample", "Pat Placeholder"]
    ward1 = targets.actions[0].targets[0]
    assert ward1.script.text == "Hello Alderperson Sample, I'm Val Volunteer from Ward 1."
    assert ward1.district == "Ward 1"
    assert ward1.entry.main_phone.value == "+13145550101"
    assert not ward1.is_fixed


def test_the_spanish_script_uses_title_es_and_district_es(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen)
    with translation.override("es"):
        targets = campaign_targets(campaign=action.campaign, user=volunteer)
        ward1 = targets.actions[0].targets[0]
        assert ward1.script.text == "Hola Concejal Sample, soy Val Volunteer de Distrito 1."
        assert ward1.title == "Concejal"


def test_everyone_on_the_list(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen, mode="all")
    targets = campaign_targets(campaign=action.campaign, user=volunteer)
    assert names(targets) == ["Alex Sample", "Jordan Example", "Casey Demo", "Pat Placeholder"]
    assert all(t.is_fixed for t in targets.actions[0].targets)


def test_a_zip_in_two_wards_shows_a_chooser_until_one_is_picked(chapter, aldermen, volunteer):
    volunteer.zip_code = "63104"
    volunteer.save()
    action = list_action(chapter=chapter, target_list=aldermen)
    targets = campaign_targets(campaign=action.campaign, user=volunteer)
    assert names(targets) == ["Jordan Example", "Casey Demo", "Pat Placeholder"]
    assert [c.person.name for c in targets.actions[0].list_choices] == ["Jordan Example", "Casey Demo"]
    target_list_choice_set(user=volunteer, target_list=aldermen, member=member("w3"), zip5="63104")
    targets = campaign_targets(campaign=action.campaign, user=volunteer)
    assert names(targets) == ["Casey Demo", "Pat Placeholder"]
    assert not targets.actions[0].list_choices


def test_the_chooser_page_saves_the_choice(client, chapter, aldermen, volunteer):
    volunteer.zip_code = "63104"
    volunteer.save()
    action = list_action(chapter=chapter, target_list=aldermen)
    client.force_login(volunteer)
    page = client.get(reverse("campaigns:detail", args=[action.campaign.slug])).content.decode()
    assert "2 people on the list represent your ZIP code" in page
    response = client.post(
        reverse("targetlists:choose", args=[aldermen.pk]),
        {"member": member("w2").pk, "next": f"/campaigns/{action.campaign.slug}/"},
    )
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(reverse("campaigns:detail", args=[action.campaign.slug])).content.decode()
    assert "Jordan Example" in page
    assert "Casey Demo" not in page


def test_the_constituent_rule_holds_for_own_member_actions(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen)
    campaign = action.campaign
    call, created = call_log_create(
        user=volunteer, campaign=campaign, action=action, office=member("w1").office, outcome="reached"
    )
    assert created
    assert call.person.name == "Alex Sample"
    with pytest.raises(Exception, match="does not represent the ZIP code on your profile"):
        call_log_create(user=volunteer, campaign=campaign, action=action, office=member("w2").office, outcome="reached")
    volunteer.zip_code = ""
    with pytest.raises(ZipCodeRequired):
        call_log_create(user=volunteer, campaign=campaign, action=action, office=member("w1").office, outcome="reached")


def test_everyone_on_the_list_may_be_called_by_any_member(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen, mode="all")
    volunteer.zip_code = ""
    _call, created = call_log_create(
        user=volunteer, campaign=action.campaign, action=action, office=member("w2").office, outcome="voicemail"
    )
    assert created


def test_another_lists_member_or_a_retired_one_is_not_a_target(chapter, lead, aldermen, volunteer):
    from targetlists.rows import parse_csv
    from targetlists.services import target_list_import

    from .conftest import ROWS, csv_bytes

    action = list_action(chapter=chapter, target_list=aldermen, mode="all")
    other = target_list_import(
        chapter=chapter, parsed=parse_csv(csv_bytes(ROWS[0].replace("w1", "x1"))), user=lead, name="Other"
    )
    other_office = other.target_list.members.get().office
    with pytest.raises(Exception, match="not a target of this action"):
        call_log_create(user=volunteer, campaign=action.campaign, action=action, office=other_office, outcome="reached")
    target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS[1:])), user=lead, target_list=aldermen)
    with pytest.raises(Exception, match="not a target of this action"):
        call_log_create(
            user=volunteer, campaign=action.campaign, action=action, office=member("w1").office, outcome="reached"
        )


def test_the_per_office_limit_and_idempotency_apply(chapter, aldermen, volunteer, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 2
    action = list_action(chapter=chapter, target_list=aldermen)
    office = member("w1").office
    kwargs = {"user": volunteer, "campaign": action.campaign, "action": action, "office": office}
    first, created = call_log_create(**kwargs, outcome="busy", idempotency_key="k1")
    again, created_again = call_log_create(**kwargs, outcome="busy", idempotency_key="k1")
    assert created
    assert not created_again
    assert again.pk == first.pk
    call_log_create(**kwargs, outcome="reached")
    with pytest.raises(TooManyCallsToOffice):
        call_log_create(**kwargs, outcome="reached")


def test_a_member_of_another_chapter_cannot_call(chapter, aldermen):
    action = list_action(chapter=chapter, target_list=aldermen, mode="all")
    outsider = UserFactory(zip_code="63103")
    with pytest.raises(Exception, match="Not found|No such campaign"):
        call_log_create(
            user=outsider, campaign=action.campaign, action=action, office=member("w1").office, outcome="reached"
        )


def test_the_batch_upload_applies_the_same_rules(chapter, aldermen, volunteer):
    action = list_action(chapter=chapter, target_list=aldermen)
    items = [
        {"campaign": action.campaign.slug, "action": action.pk, "office": member(ext).office.pk, "outcome": "reached",
         "idempotency_key": str(uuid.uuid4())}
        for ext in ("w1", "w2", "w0")
    ]  # fmt: skip
    results = call_log_create_batch(user=volunteer, items=items)
    assert [r.status for r in results] == ["created", "error", "created"]


@pytest.mark.redis
def test_the_api_fast_path_logs_a_list_call_and_refuses_another_ward(chapter, aldermen, volunteer, token_client):
    fast_path_caches.clear_process_caches()
    action = list_action(chapter=chapter, target_list=aldermen)
    client = token_client(volunteer)
    body = {
        "campaign": action.campaign.slug,
        "action": action.pk,
        "office": member("w1").office.pk,
        "outcome": "reached",
    }
    response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["person"] == member("w1").office.terms.get().person_id
    body["office"] = member("w2").office.pk
    response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "not_a_constituent"
    assert "office" in response.json()["error"]["fields"]


def test_the_campaign_targets_api_lists_the_member_with_district(chapter, aldermen, volunteer, token_client):
    action = list_action(chapter=chapter, target_list=aldermen)
    response = token_client(volunteer).get(f"/api/v1/campaigns/{action.campaign.slug}/targets/")
    assert response.status_code == HTTPStatus.OK, response.content
    targets = response.json()["actions"][0]["targets"]
    assert [(t["person"]["name"], t["district"], t["office"]["role"]) for t in targets] == [
        ("Alex Sample", "Ward 1", "list_target"),
        ("Pat Placeholder", "", "list_target"),
    ]
    assert targets[0]["script"] == "Hello Alderperson Sample, I'm Val Volunteer from Ward 1."


def test_a_logged_call_shows_in_the_dashboard_csv_and_api(client, chapter, lead, aldermen, volunteer, token_client):
    action = list_action(chapter=chapter, target_list=aldermen)
    client.force_login(volunteer)
    response = client.post(
        reverse("campaigns:call_log", args=[action.campaign.slug]),
        {"action": action.pk, "office": member("w1").office.pk, "outcome": "reached", "idempotency_key": "page-1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert CallLog.objects.filter(office=member("w1").office, user=volunteer).count() == 1
    rollup_calls()
    client.force_login(lead)
    dashboard = client.get(reverse("tallies:chapter_dashboard", args=[chapter.slug])).content.decode()
    assert "Alderperson" in dashboard
    export = client.get(reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "calls"}))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert any("Alex Sample" in row for row in rows[1:]), rows
    calls = token_client(volunteer).get("/api/v1/calls/").json()
    assert calls["results"][0]["office"] == member("w1").office.pk
    tally = token_client(lead).get(f"/api/v1/campaigns/{action.campaign.slug}/tally/").json()
    assert tally["total"] == 1


def test_list_members_stay_out_of_the_public_officials_api(client, aldermen):
    office = member("w1").office
    assert client.get(f"/api/v1/officials/{office.pk}/").status_code == HTTPStatus.NOT_FOUND
    listed = client.get("/api/v1/officials/?role=list_target").json()
    assert listed["results"] == []


def test_a_second_chapter_member_sees_their_own_ward(chapter, aldermen):
    neighbour = UserFactory(zip_code="63110")
    MembershipFactory(user=neighbour, chapter=chapter)
    action = list_action(chapter=chapter, target_list=aldermen)
    assert names(campaign_targets(campaign=action.campaign, user=neighbour)) == ["Casey Demo", "Pat Placeholder"]


def test_district_placeholder_for_a_representative_and_for_nobody():
    from campaigns.scripts import render_script
    from officials.models import Division, Office
    from officials.selectors import OfficialEntry

    division = Division.objects.create(
        ocd_id="ocd-division/country:us/state:mo/cd:1", name="Missouri's 1st district", kind="cd"
    )
    office = Office(role="us_house", title="U.S. Representative", division=division)
    entry = OfficialEntry(office=office, person=None, term=None)
    assert render_script("In [DISTRICT].", official=entry).text == "In Missouri's 1st district."
    rendered = render_script("In [DISTRICT].")
    assert rendered.text == "In (the district)."  # a prompt, never the raw brackets
    assert rendered.unfilled == ["[DISTRICT]"]


@pytest.mark.redis
def test_the_fast_paths_warm_caches_never_keep_a_retired_member_callable(
    chapter, lead, aldermen, volunteer, token_client, settings
):
    from targetlists.rows import parse_csv
    from targetlists.services import target_list_import

    from .conftest import ROWS, csv_bytes

    settings.CALLS_PER_OFFICE_PER_DAY = 100
    fast_path_caches.clear_process_caches()
    action = list_action(chapter=chapter, target_list=aldermen)
    client = token_client(volunteer)
    body = {"campaign": action.campaign.slug, "action": action.pk, "office": member("w1").office.pk, "outcome": "busy"}
    for _ in range(2):  # the second call answers from the warm per-process caches
        response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        assert response.status_code == HTTPStatus.CREATED
    target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS[1:])), user=lead, target_list=aldermen)
    response = client.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "not_a_target"
    assert response.json()["error"]["fields"]["office"] == ["This office is not a target of this action."]


def test_the_campaign_api_names_the_actions_list(chapter, aldermen, volunteer, token_client):
    action = list_action(chapter=chapter, target_list=aldermen)
    body = token_client(volunteer).get(f"/api/v1/campaigns/{action.campaign.slug}/").json()
    assert body["actions"][0]["target_list"] == aldermen.pk
    assert body["actions"][0]["target_list_mode"] == "own"
