"""No 500 on any input: each reported case, and a standing sweep of bad inputs over every endpoint in the schema."""

import io
import json
import re
import uuid
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.services import api_token_create
from advocacy.api.parsers import MAX_DEPTH, LimitedJSONParser, RequestTooLarge, nesting_depth
from tallies.models import CallLog
from tests.factories.accounts import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/calls/batch/"
CALLS = "/api/v1/calls/"


def _json(client, path, body: str, method="post"):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.fixture
def call_body(demo, call_action, mo):
    return {"campaign": demo.slug, "action": call_action.pk, "office": mo["attorney_general"].pk, "outcome": "reached"}


def test_a_percent_sign_in_a_filter_is_a_400_not_a_500(client):
    response = client.get("/api/v1/officials/?state=%25")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "'%'" in response.json()["error"]["message"]


def test_a_batch_note_with_a_lone_surrogate_refuses_the_batch_and_logs_nothing(token_client, volunteer, call_body):
    items = [
        {**call_body, "note": "\ud800", "idempotency_key": "a"},
        {**call_body, "idempotency_key": "b"},
    ]
    # json.dumps escapes it as \ud800, exactly what a client sends.
    response = _json(token_client(volunteer), BATCH, json.dumps({"calls": items}))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["error"]["fields"]) == ["calls.0.note"]
    assert not CallLog.objects.exists()
    assert _json(token_client(volunteer), CALLS, json.dumps({**call_body, "note": "\ud800"})).status_code == 400


def test_a_client_timestamp_with_a_far_offset_is_stored_in_utc_by_batch_and_single(token_client, volunteer, call_body):
    client = token_client(volunteer)
    stamp = "2026-11-27T14:30:00+16:00"
    batch = _json(
        client, BATCH, json.dumps({"calls": [{**call_body, "client_timestamp": stamp, "idempotency_key": "t"}]})
    )
    single = _json(client, CALLS, json.dumps({**call_body, "client_timestamp": stamp}))

    assert batch.status_code == HTTPStatus.OK
    assert batch.json()["results"][0]["result"] == "created"
    assert single.status_code == HTTPStatus.CREATED
    assert {c.client_timestamp.isoformat() for c in CallLog.objects.all()} == {"2026-11-26T22:30:00+00:00"}


@pytest.mark.parametrize("stamp", ["1899-12-31T23:00:00Z", "2101-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00"])
def test_a_client_timestamp_outside_1900_to_2100_is_refused(token_client, volunteer, call_body, stamp):
    client = token_client(volunteer)
    single = _json(client, CALLS, json.dumps({**call_body, "client_timestamp": stamp}))
    batch = _json(
        client, BATCH, json.dumps({"calls": [{**call_body, "client_timestamp": stamp, "idempotency_key": "t"}]})
    )

    # A time of the schema's form, which the server's clock refuses: a 422, and that item's error.
    assert single.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert single.json()["error"]["code"] == "client_timestamp_out_of_range"
    assert "client_timestamp" in single.json()["error"]["fields"]
    assert batch.json()["results"][0]["error"]["code"] == "client_timestamp_out_of_range"
    assert not CallLog.objects.exists()


@pytest.fixture
def lead_client(client, chapter_lead):
    client.force_login(chapter_lead)
    return client


@pytest.mark.parametrize("query", ["end=9999-12-31", "start=0001-01-01", "start=1899-12-31", "end=2101-01-01"])
def test_dates_outside_1900_to_2100_are_a_400_on_every_dashboard_and_export(
    query, lead_client, staff_client, token_client, chapter_lead, chapter
):
    pages = [
        (lead_client, reverse("tallies:chapter_dashboard", args=[chapter.slug])),
        (lead_client, reverse("tallies:chapter_export", args=[chapter.slug, "figures"])),
        (lead_client, reverse("tallies:chapter_export", args=[chapter.slug, "calls"])),
    ]
    for client, path in pages:
        assert client.get(f"{path}?{query}").status_code == HTTPStatus.BAD_REQUEST, path
    for path in (
        reverse("tallies:staff_dashboard"),
        reverse("tallies:staff_export", args=["figures"]),
        reverse("tallies:staff_export", args=["calls"]),
    ):
        assert staff_client.get(f"{path}?{query}").status_code == HTTPStatus.BAD_REQUEST, path
    api = token_client(chapter_lead).get(f"/api/v1/chapters/{chapter.slug}/tally/?{query}")
    assert api.status_code == HTTPStatus.BAD_REQUEST
    assert api.json()["error"]["code"] == "validation_error"


def test_the_edges_of_the_date_range_are_accepted(lead_client, token_client, chapter_lead, chapter):
    query = "start=1900-01-01&end=2100-12-31"
    assert lead_client.get(reverse("tallies:chapter_dashboard", args=[chapter.slug]) + f"?{query}").status_code == 200
    assert token_client(chapter_lead).get(f"/api/v1/chapters/{chapter.slug}/tally/?{query}").status_code == 200


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


JSON_ENDPOINTS = [
    ("post", CALLS),
    ("post", BATCH),
    ("patch", "/api/v1/me/"),
    ("post", "/api/v1/contact-points/{id}/reports/"),
]


@pytest.fixture
def contact_point_id(mo):
    return mo["attorney_general"].contact_points.first().pk


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
def test_deeply_nested_json_is_a_400_in_the_error_shape(token_client, volunteer, method, path, contact_point_id):
    """The incident: 5,000 nested arrays were a RecursionError (500) on every JSON endpoint."""
    client = token_client(volunteer)
    path = path.format(id=contact_point_id)
    for levels in (5000, MAX_DEPTH + 1):
        response = _json(client, path, _nested(levels), method)
        assert response.status_code == HTTPStatus.BAD_REQUEST, (path, levels)
        assert response.json()["error"]["code"] == "parse_error"
        assert "nested deeper than 32" in response.json()["error"]["message"]


def test_nesting_up_to_32_levels_is_parsed():
    parsed = LimitedJSONParser().parse(io.BytesIO(_nested(MAX_DEPTH).encode()))
    depth = 0
    while isinstance(parsed, list) and parsed:
        parsed, depth = parsed[0], depth + 1
    assert depth == MAX_DEPTH - 1
    # Brackets inside strings are text, not nesting.
    assert LimitedJSONParser().parse(io.BytesIO(json.dumps({"note": "[" * 100 + '\\"{'}).encode()))


def _depth(value) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    return 1 + max(map(_depth, value), default=0) if isinstance(value, list) else 0


@pytest.mark.parametrize(
    "value",
    [
        {"note": 'a \\" [[{{ quoted', "calls": [{"note": "\\", "x": [[]]}, {"y": "]}]}"}]},
        [["\\\\", ['"[', {}]], "\\u005b"],
        {"calls": [{"campaign": "c", "note": 'line\nbreak ] } \\"', "n": [1, [2, [3]]]}] * 50},
    ],
)
def test_the_depth_is_the_real_one_whatever_the_strings_hold(value):
    assert nesting_depth(json.dumps(value)) == _depth(value)


def test_a_hostile_depth_is_refused_without_reading_it_all():
    assert nesting_depth("[" * 1_000_000) == MAX_DEPTH + 1


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
def test_a_body_over_1_mb_is_a_413_in_the_error_shape(token_client, volunteer, method, path, contact_point_id):
    """The incident: a 10 MB body got Django's HTML 400 page."""
    path = path.format(id=contact_point_id)
    response = _json(token_client(volunteer), path, json.dumps({"note": "x" * (10 * 1024 * 1024)}), method)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_body_over_1_mb_without_a_length_is_refused_while_reading():
    with pytest.raises(RequestTooLarge):
        LimitedJSONParser().parse(io.BytesIO(b'"' + b"x" * (1024 * 1024) + b'"'))
    with pytest.raises(ParseError):
        LimitedJSONParser().parse(io.BytesIO(b"\xff\xfe"))


def test_a_batch_of_1000_calls_fits_under_the_limit(token_client, volunteer, call_body):
    items = [{**call_body, "note": "n" * 200, "idempotency_key": str(uuid.uuid4())} for _ in range(1000)]
    response = _json(token_client(volunteer), BATCH, json.dumps({"calls": items}))
    assert response.status_code == HTTPStatus.OK


# ------------------------------------------------------------------------------
# The standing sweep: every operation in the schema, every bad input, no 5xx
# ------------------------------------------------------------------------------
BAD_VALUES = [
    "%",
    "%25",
    "%s%d",
    "9999-12-31",
    "0001-01-01",
    "-1",
    "99999999999999999999999",
    "\x00",
    "\ud800",
    "' OR 1=1 --",
]
BAD_BODIES = [
    _nested(5000),
    _nested(MAX_DEPTH + 1),
    '{"calls": [{"note": "\\ud800", "client_timestamp": "2026-11-27T14:30:00+16:00"}]}',
    '{"client_timestamp": "9999-12-31T23:59:59-23:59", "note": "\\ud800"}',
    "{" + '"a":' * 10 + "1",
    "null",
    '"' + "x" * 100 + '"',
]


def _operations():
    client = APIClient()
    schema = client.get("/api/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            yield method, path, params


@pytest.fixture
def sweepers(demo, chapter, chapter_lead, staff_with_totp):
    """Anonymous, a volunteer, a chapter lead and staff with two-factor, each with a token."""
    volunteer = UserFactory(email="sweep@example.org")
    MembershipFactory(user=volunteer, chapter=chapter, role=Membership.Role.MEMBER)
    clients = [Client(raise_request_exception=True)]
    for user in (volunteer, chapter_lead, staff_with_totp):
        _, key = api_token_create(user=user, name="sweep")
        clients.append(Client(HTTP_AUTHORIZATION=f"Token {key}", raise_request_exception=True))
    return {"clients": clients, "slug": {"/chapters/": chapter.slug, "": demo.slug}}


def _fill(path: str, slugs: dict, value: str) -> str:
    def one(match):
        if match.group(1) in ("id", "pk"):
            return value if value else "1"
        return slugs["/chapters/"] if "/chapters/" in path else slugs[""]

    return re.sub(r"\{(\w+)\}", one, path)


def test_every_endpoint_in_the_schema_answers_bad_input_without_a_server_error(sweepers):
    seen = 0
    for method, path, params in _operations():
        url = _fill(path, sweepers["slug"], "")
        for client in sweepers["clients"]:
            for value in BAD_VALUES:
                query = {name: value for name in params} or {"q": value}
                if method == "get":
                    response = client.get(f"{url}?{_encoded(query)}")
                else:
                    response = getattr(client, method)(
                        f"{url}?{_encoded(query)}", json.dumps({"x": value}), content_type="application/json"
                    )
                assert response.status_code < 500, (method, url, value, response.content[:300])
                seen += 1
            if method in ("post", "put", "patch"):
                for body in BAD_BODIES:
                    response = getattr(client, method)(url, body, content_type="application/json")
                    assert response.status_code < 500, (method, url, body[:60], response.content[:300])
                    assert response["Content-Type"].startswith("application/json"), (method, url, body[:60])
                big = getattr(client, method)(url, "[" + "1," * 600_000 + "1]", content_type="application/json")
                assert big.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE, (method, url)
    assert seen > 100


def _encoded(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query, errors="surrogatepass")
