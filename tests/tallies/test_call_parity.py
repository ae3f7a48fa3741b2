"""The token fast path and the DRF view answer every body alike: status, body and headers.

Each body goes once through the fast path (tallies/api/fast_path.py, a token request) and once
through the DRF view (the same token, with the fast path's middleware taken out of the stack).
Logged calls differ only in their id and time; everything else must be byte-for-byte the same.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from tallies.models import CallLog

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

CALLS = "/api/v1/calls/"
JSON = "application/json"
WITHOUT_FAST_PATH = [name for name in settings.MIDDLEWARE if not name.endswith("CallFastPathMiddleware")]


def _bodies(good: dict) -> list[tuple[str, bytes | str, str, dict]]:
    """(name, body, content type, extra headers): str bodies are sent as UTF-8."""
    now = timezone.now()

    def with_(**changes):
        return json.dumps({**good, **changes})

    def without(name):
        return json.dumps({k: v for k, v in good.items() if k != name})

    return [
        ("valid", json.dumps(good), JSON, {}),
        ("with a note", with_(note="  They said they'd pass it on  "), JSON, {}),
        ("unicode note", with_(note="Llamé — ☎ 𝄞 “quoted” \u2028 line"), JSON, {}),
        ("note at the limit", with_(note="x" * 1000), JSON, {}),
        ("note as a number", with_(note=5), JSON, {}),
        ("client timestamp an hour ago", with_(client_timestamp=(now - timedelta(hours=1)).isoformat()), JSON, {}),
        (
            "naive client timestamp",
            with_(client_timestamp=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
            JSON,
            {},
        ),
        ("extra fields", with_(contact="x", nested={"a": [1]}), JSON, {}),
        ("action as digits", with_(action=str(good["action"])), JSON, {}),
        ("utf-8 BOM", "\ufeff" + json.dumps(good), JSON, {}),
        ("charset utf-8", json.dumps(good), "application/json; charset=utf-8", {}),
        ("charset UTF8 quoted", json.dumps(good), 'application/json; charset="UTF8"', {}),
        ("huge note", with_(note="x" * 1001), JSON, {}),
        ("note null", with_(note=None), JSON, {}),
        ("note with NUL", with_(note="a\x00b"), JSON, {}),
        ("note with a lone surrogate", json.dumps(good)[:-1] + ', "note": "\\ud800"}', JSON, {}),
        ("note false", with_(note=False), JSON, {}),
        ("campaign missing", without("campaign"), JSON, {}),
        ("campaign not a slug", with_(campaign="not a slug!"), JSON, {}),
        ("campaign a number", with_(campaign=7), JSON, {}),
        ("campaign unknown", with_(campaign="no-such-campaign"), JSON, {}),
        ("action zero", with_(action=0), JSON, {}),
        ("action true", with_(action=True), JSON, {}),
        ("action a fraction", with_(action=1.5), JSON, {}),
        ("action too big", with_(action=2**63), JSON, {}),
        ("action of another campaign", with_(action=10**9), JSON, {}),
        ("office a word", with_(office="x"), JSON, {}),
        ("office unknown", with_(office=10**9), JSON, {}),
        ("outcome unknown", with_(outcome="maybe"), JSON, {}),
        ("outcome missing", without("outcome"), JSON, {}),
        ("outcome of another kind of action", with_(outcome="sent"), JSON, {}),
        ("client timestamp a day ahead", with_(client_timestamp=(now + timedelta(days=1)).isoformat()), JSON, {}),
        ("client timestamp 40 days old", with_(client_timestamp=(now - timedelta(days=40)).isoformat()), JSON, {}),
        ("client timestamp words", with_(client_timestamp="yesterday"), JSON, {}),
        ("client timestamp month 13", with_(client_timestamp="2026-13-01T00:00:00Z"), JSON, {}),
        ("client timestamp February 30th", with_(client_timestamp="2026-02-30T12:00:00Z"), JSON, {}),
        ("client timestamp with a space first", with_(client_timestamp=" " + now.isoformat()), JSON, {}),
        ("ids as whole floats", with_(action=float(good["action"]), office=float(good["office"])), JSON, {}),
        ("a list", json.dumps([good]), JSON, {}),
        ("null", "null", JSON, {}),
        ("not JSON", "{campaign: 1", JSON, {}),
        ("empty", "", JSON, {}),
        ("too deep", "[" * 40 + "]" * 40, JSON, {}),
        ("NaN", json.dumps(good)[:-1] + ', "note": NaN}', JSON, {}),
        ("UTF-16 with its BOM", json.dumps(good).encode("utf-16"), JSON, {}),
        ("UTF-16 without a BOM", json.dumps(good).encode("utf-16-le"), JSON, {}),
        ("charset utf-16, UTF-8 bytes", json.dumps(good), "application/json; charset=utf-16", {}),
        ("charset latin-1, UTF-8 bytes", with_(note="é"), "application/json; charset=latin-1", {}),
        ("charset unknown", json.dumps(good), "application/json; charset=klingon", {}),
        ("form encoded", "campaign=x", "application/x-www-form-urlencoded", {}),
        ("key with a space", json.dumps(good), JSON, {"HTTP_IDEMPOTENCY_KEY": "has space"}),
        ("key too long", json.dumps(good), JSON, {"HTTP_IDEMPOTENCY_KEY": "k" * 101}),
        ("key not ASCII", json.dumps(good), JSON, {"HTTP_IDEMPOTENCY_KEY": "clé"}),
        ("Spanish", with_(office=10**9), JSON, {"HTTP_ACCEPT_LANGUAGE": "es"}),
    ]


@pytest.fixture
def good(national_campaign, offices, settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 1000
    return {
        "campaign": national_campaign.slug,
        "action": national_campaign.actions.get().pk,
        "office": offices["doj"].pk,
        "outcome": "reached",
    }


def _send(client, body, content_type, headers):
    data = body.encode() if isinstance(body, str) else body
    extra = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4()), **headers}
    return client.post(CALLS, data=data, content_type=content_type, **extra)


def _comparable(response) -> tuple:
    content = response.content
    if response.status_code in (200, 201):
        data = json.loads(content)
        assert CallLog.objects.filter(pk=data.pop("id")).exists()
        data.pop("created_at")
        content = json.dumps(data, ensure_ascii=False).encode()
    elif response.get("Content-Type", "").startswith("application/json"):
        # Every answer names its own request: the id is the one thing that must differ.
        data = json.loads(content)
        assert data["error"].pop("request_id") == response["X-Request-ID"]
        content = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {name: value for name, value in response.items() if name not in ("Content-Length", "X-Request-ID")}
    return response.status_code, content, headers


def test_there_are_at_least_30_bodies():
    assert len(_bodies({"campaign": "x", "action": 1, "office": 1, "outcome": "reached"})) >= 30


def test_the_fast_path_and_the_view_answer_each_body_alike(volunteer, good, monkeypatch):
    # One server clock for both paths: a refused client_timestamp's message quotes it to the second.
    frozen = timezone.now()
    monkeypatch.setattr("tallies.call_input.timezone.now", lambda: frozen)
    _, key = api_token_create(user=volunteer, name="parity")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert _send(client, json.dumps(good), JSON, {}).status_code == 201  # the token is known from here on

    different = []
    statuses = {}
    for name, body, content_type, headers in _bodies(good):
        fast = _comparable(_send(client, body, content_type, headers))
        with override_settings(MIDDLEWARE=WITHOUT_FAST_PATH):
            view = _comparable(_send(client, body, content_type, headers))
        statuses[name] = fast[0]
        if name == "Spanish":
            spanish = json.loads(fast[1])
        if fast != view:
            different.append((name, fast, view))

    assert not different, different
    # The rule each path now follows, as docs/api.md states it.
    assert statuses["utf-8 BOM"] == 201
    assert statuses["UTF-16 with its BOM"] == statuses["UTF-16 without a BOM"] == 400
    assert statuses["charset utf-16, UTF-8 bytes"] == statuses["charset latin-1, UTF-8 bytes"] == 415
    assert statuses["extra fields"] == 201
    # The schema refuses these (400); it allows these others, which a rule of the call refuses (422).
    assert statuses["huge note"] == statuses["client timestamp month 13"] == 400
    assert statuses["client timestamp with a space first"] == statuses["action a fraction"] == 400
    assert statuses["outcome of another kind of action"] == statuses["office unknown"] == 422
    assert statuses["client timestamp a day ahead"] == statuses["client timestamp 40 days old"] == 422
    assert statuses["client timestamp February 30th"] == 422
    assert statuses["ids as whole floats"] == 201
    assert spanish["error"]["fields"]["office"] == ["No existe esa oficina."]
