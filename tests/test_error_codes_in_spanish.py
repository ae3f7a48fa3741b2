"""Every error code the OpenAPI schema documents is answered in Spanish when the client asks for it.

The codes are collected from the schema itself (the error body's `code` description and the
error statuses' descriptions), so a code documented later without a way to provoke it here
fails `test_every_documented_code_is_provoked`. Each one is provoked twice, with
`Accept-Language: es` and then `en`: same code, and the Spanish message is not the English one.
"""

import datetime as dt
import re
import uuid
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership
from tallies.models import CallLog
from targetlists.models import TargetList
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

pytestmark = pytest.mark.django_db

CALLS = "/api/v1/calls/"
_CODE = re.compile(r"`([a-z]+(?:_[a-z]+)*)`")
# An error status next to a code: "a 409 (`undo_window_closed`)", "409 `zip_required`".
_STATUS_AND_CODE = re.compile(r"\b[45]\d\d\b\s*\(?`([a-z]+(?:_[a-z]+)*)`")


def documented_codes() -> set[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["components"]["schemas"]["ErrorBody"]["properties"]
    codes = set(_CODE.findall(body["code"]["description"]))
    for path in schema["paths"].values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            codes |= set(_STATUS_AND_CODE.findall(operation.get("description", "")))
            for status, response in operation.get("responses", {}).items():
                if status[0] in "45":
                    codes |= set(_CODE.findall(response.get("description", "")))
    return codes - set(body)  # "`message` says why": the body's own fields are no codes


class World:
    """A state, a national campaign, a chapter with its lead, and a token client per user."""

    def __init__(self):
        self.offices = missouri_officials()
        self.campaign = CampaignFactory(slug="national", title="National")
        self.action = ActionFactory(campaign=self.campaign, target_roles=["attorney_general"])
        self.chapter = ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")
        self.volunteer = UserFactory(email="volunteer@example.org", zip_code="65101", state="MO")
        self.lead = UserFactory(email="lead@example.org", zip_code="63103")
        MembershipFactory(user=self.lead, chapter=self.chapter, role=Membership.Role.LEAD)

    def client(self, user=None, *, lang="es"):
        from accounts.services import api_token_create

        client = APIClient(HTTP_ACCEPT_LANGUAGE=lang)
        if user is not None:
            _, key = api_token_create(user=user, name=f"t-{uuid.uuid4().hex[:8]}")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=lang)
        return client

    def call(self, **change):
        return {
            "campaign": self.campaign.slug,
            "action": self.action.pk,
            "office": self.offices["attorney_general"].pk,
            "outcome": "reached",
            **change,
        }


def _post_call(client, body, key=None):
    return client.post(CALLS, body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def _throttled(world, lang, monkeypatch, settings):
    from tallies.api.calls import CallsRateThrottle

    monkeypatch.setattr(CallsRateThrottle, "THROTTLE_RATES", {"calls": "1/min"})
    settings.CALLS_PER_OFFICE_PER_DAY = 100
    client = world.client(world.volunteer, lang=lang)
    _post_call(client, world.call())
    return _post_call(client, world.call())


def _idempotency_key_reused(world, lang, monkeypatch, settings):
    client = world.client(world.volunteer, lang=lang)
    _post_call(client, world.call(), key="the-key")
    return _post_call(client, world.call(outcome="voicemail"), key="the-key")


def _campaign_closed(world, lang, monkeypatch, settings):
    world.campaign.ends_at = timezone.now() - dt.timedelta(days=1)
    world.campaign.save()
    return _post_call(world.client(world.volunteer, lang=lang), world.call())


def _too_many_calls_to_office(world, lang, monkeypatch, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 1
    client = world.client(world.volunteer, lang=lang)
    _post_call(client, world.call())
    return _post_call(client, world.call())


def _undo_window_closed(world, lang, monkeypatch, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 100
    client = world.client(world.volunteer, lang=lang)
    call_id = _post_call(client, world.call()).json()["id"]
    CallLog.objects.filter(pk=call_id).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    return client.post(f"{CALLS}{call_id}/undo/")


def _service_unavailable(world, lang, monkeypatch, settings):
    from rest_framework.views import APIView

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(APIView, "initial", unreachable)
    return world.client(lang=lang).get("/api/v1/campaigns/")


def _invitations(world, lang, settings, emails):
    settings.INVITATIONS_PER_LEAD_PER_DAY = 2
    return world.client(world.lead, lang=lang).post(
        f"/api/v1/chapters/{world.chapter.slug}/invitations/", {"emails": emails}, format="json"
    )


def _invitation_limit_reached(world, lang, monkeypatch, settings):
    _invitations(world, lang, settings, [f"{lang}-a@example.org"])  # one of the two left
    return _invitations(world, lang, settings, [f"{lang}-b@example.org", f"{lang}-c@example.org"])


def _target_list(world, lang, settings, name):
    rows = [{"name": "Alex Sample", "title": "Alderperson", "phone": "314-555-0101", "zips": "63101"}]
    return world.client(world.lead, lang=lang).post(
        f"/api/v1/chapters/{world.chapter.slug}/target-lists/", {"name": name, "rows": rows}, format="json"
    )


def _target_list_limit(world, lang, monkeypatch, settings):
    settings.TARGET_LISTS_PER_CHAPTER = 1
    _target_list(world, lang, settings, f"First {lang}")
    return _target_list(world, lang, settings, f"Second {lang}")


def _target_list_name_taken(world, lang, monkeypatch, settings):
    _target_list(world, lang, settings, f"Taken {lang}")
    return _target_list(world, lang, settings, f"taken {lang}")


def _target_list_rows_invalid(world, lang, monkeypatch, settings):
    rows = [{"name": "Alex Sample", "title": "Alderperson", "phone": "12"}]
    return world.client(world.lead, lang=lang).post(
        f"/api/v1/chapters/{world.chapter.slug}/target-lists/", {"name": "Rows", "rows": rows}, format="json"
    )


def _state_move_too_soon(world, lang, monkeypatch, settings):
    client = world.client(UserFactory(email=f"mover-{lang}@example.org", zip_code="65101", state="MO"), lang=lang)
    client.patch("/api/v1/me/", {"zip_code": "66044"}, format="json")  # the first move, to Kansas
    return client.patch("/api/v1/me/", {"zip_code": "62701"}, format="json")


def _target_list_in_use(world, lang, monkeypatch, settings):
    from tests.targetlists.conftest import list_action

    target_list = TargetList.objects.filter(chapter=world.chapter).first()
    if target_list is None:
        target_list = TargetList.objects.get(pk=_target_list(world, lang, settings, "Aldermen").json()["id"])
        list_action(chapter=world.chapter, target_list=target_list)
    return world.client(world.lead, lang=lang).delete(
        f"/api/v1/chapters/{world.chapter.slug}/target-lists/{target_list.pk}/"
    )


PROVOKE = {
    "validation_error": lambda w, lang, *_: w.client(w.volunteer, lang=lang).get(
        f"/api/v1/campaigns/{w.campaign.slug}/targets/", {"zip": "abcde"}
    ),
    "parse_error": lambda w, lang, *_: w.client(w.volunteer, lang=lang).post(
        CALLS, "{", content_type="application/json"
    ),
    "not_authenticated": lambda w, lang, *_: _post_call(w.client(lang=lang), w.call()),
    "authentication_failed": lambda w, lang, *_: APIClient(
        HTTP_ACCEPT_LANGUAGE=lang, HTTP_AUTHORIZATION="Token not-a-key"
    ).post(CALLS, w.call(), format="json"),
    "permission_denied": lambda w, lang, *_: _session_without_csrf(w, lang),
    "not_found": lambda w, lang, *_: w.client(w.volunteer, lang=lang).get("/api/v1/campaigns/no-such-campaign/"),
    "unsupported_media_type": lambda w, lang, *_: w.client(w.volunteer, lang=lang).post(
        CALLS, "campaign=x", content_type="text/plain"
    ),
    "request_too_large": lambda w, lang, *_: w.client(w.volunteer, lang=lang).post(
        CALLS, '{"note": "' + "x" * (2 * 1024 * 1024) + '"}', content_type="application/json"
    ),
    "idempotency_key_reused": _idempotency_key_reused,
    "throttled": _throttled,
    "service_unavailable": _service_unavailable,
    "zip_code_required": lambda w, lang, *_: _post_call(
        w.client(UserFactory(email=f"nozip-{lang}@example.org", zip_code=""), lang=lang), w.call()
    ),
    "too_many_calls_to_office": _too_many_calls_to_office,
    # The rules of a call (422): the schema allows each of these bodies.
    "unknown_action": lambda w, lang, *_: _post_call(w.client(w.volunteer, lang=lang), w.call(action=10**9)),
    "unknown_office": lambda w, lang, *_: _post_call(w.client(w.volunteer, lang=lang), w.call(office=10**9)),
    "campaign_closed": _campaign_closed,
    "outcome_not_for_action": lambda w, lang, *_: _post_call(w.client(w.volunteer, lang=lang), w.call(outcome="sent")),
    "not_a_target": lambda w, lang, *_: _post_call(
        w.client(w.volunteer, lang=lang), w.call(office=w.offices["governor"].pk)
    ),
    "not_a_constituent": lambda w, lang, *_: _post_call(
        w.client(UserFactory(email=f"kansan-{lang}@example.org", zip_code="66044", state="KS"), lang=lang), w.call()
    ),
    "client_timestamp_out_of_range": lambda w, lang, *_: _post_call(
        w.client(w.volunteer, lang=lang), w.call(client_timestamp="2099-01-01T00:00:00Z")
    ),
    "undo_window_closed": _undo_window_closed,
    "zip_required": lambda w, lang, *_: w.client(
        UserFactory(email=f"nozip-{lang}@example.org", zip_code=""), lang=lang
    ).get(f"/api/v1/campaigns/{w.campaign.slug}/targets/"),
    "district_conflict": lambda w, lang, *_: w.client(w.volunteer, lang=lang).patch(
        "/api/v1/me/", {"district_ocd_id": "ocd-division/country:us/state:mo/cd:1"}, format="json"
    ),
    "invitation_limit_reached": _invitation_limit_reached,
    "invitation_limit_exceeded": lambda w, lang, m, settings: _invitations(
        w, lang, settings, [f"{lang}-{n}@example.org" for n in range(3)]
    ),
    "target_list_limit": _target_list_limit,
    "target_list_name_taken": _target_list_name_taken,
    "target_list_name_blank": lambda w, lang, m, settings: _target_list(w, lang, settings, "   "),
    "target_list_rows_invalid": _target_list_rows_invalid,
    "unknown_zip": lambda w, lang, *_: w.client(w.volunteer, lang=lang).get(
        f"/api/v1/campaigns/{w.campaign.slug}/targets/", {"zip": "00000"}
    ),
    "state_move_too_soon": _state_move_too_soon,
    "target_list_in_use": _target_list_in_use,
}


def _session_without_csrf(world, lang):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(world.volunteer)
    return client.patch("/api/v1/me/", {"name": "New"}, format="json")


def test_every_documented_code_is_provoked():
    assert documented_codes() - set(PROVOKE) == set()


@pytest.mark.parametrize("code", sorted(PROVOKE))
def test_each_error_code_is_answered_in_spanish(code, monkeypatch, settings):
    world = World()
    spanish = PROVOKE[code](world, "es", monkeypatch, settings)
    english = PROVOKE[code](world, "en", monkeypatch, settings)

    assert spanish.status_code >= HTTPStatus.BAD_REQUEST, spanish.content[:300]
    assert spanish.json()["error"]["code"] == code, spanish.json()
    assert english.json()["error"]["code"] == code, english.json()
    assert spanish.json()["error"]["message"] != english.json()["error"]["message"], spanish.json()
    assert spanish.get("Content-Language") == "es"


def test_an_unknown_office_is_answered_in_spanish():
    """The issue's own example: GET /api/v1/officials/<unknown>/ said "No such office." to a Spanish client."""
    world = World()
    answer = world.client(world.volunteer, lang="es").get("/api/v1/officials/999999/")

    assert answer.status_code == HTTPStatus.NOT_FOUND
    assert answer.json()["error"]["message"] != "No such office."
    assert answer.json()["error"]["code"] == "not_found"


def test_a_share_link_too_long_is_refused_in_spanish():
    from django.utils import translation

    from advocacy.errors import Unprocessable
    from tallies.services.shares import MAX_SHARE_DAYS, office_report_share_create

    with translation.override("es"), pytest.raises(Unprocessable) as refused:
        office_report_share_create(
            user=None, chapter=None, campaign=None, office=None, start=None, end=None, days=MAX_SHARE_DAYS + 1
        )
    assert refused.value.message == f"Un enlace dura de 1 a {MAX_SHARE_DAYS} días."
    assert refused.value.fields == {"days": [f"Usa de 1 a {MAX_SHARE_DAYS}."]}
