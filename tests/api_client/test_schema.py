"""The published schema is strict OpenAPI 3.1 and tells a client generator everything the server does."""

import re
from http import HTTPStatus

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from tallies.call_input import IDEMPOTENCY_KEY_RE

pytestmark = pytest.mark.django_db

ANONYMOUS = {
    ("/api/v1/officials/", "get"),
    ("/api/v1/officials/{id}/", "get"),
    ("/api/v1/campaigns/{slug}/tally/", "get"),
    ("/api/v1/officials/{id}/answer-rates/", "get"),
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == HTTPStatus.OK
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def component(schema, ref_or_schema):
    ref = ref_or_schema.get("$ref") or ref_or_schema.get("allOf", [{}])[0].get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else ref_or_schema


def test_the_schema_is_strictly_valid_openapi_3_1(schema):
    assert schema["openapi"] == "3.1.0"
    OpenAPIV31SpecValidator(schema).validate()


def test_nullability_is_a_json_schema_type_never_the_3_0_keyword(schema):
    assert not [node for node in walk(schema) if "nullable" in node]
    entry = schema["components"]["schemas"]["OfficialEntryOutput"]["properties"]
    assert {"type": "null"} in entry["holder"]["oneOf"]
    target = schema["components"]["schemas"]["TargetOutput"]["properties"]
    assert {"type": "null"} in target["person"]["oneOf"]
    assert target["contact_form"]["type"] == ["string", "null"]
    result = schema["components"]["schemas"]["BatchItemResult"]["properties"]
    assert {"type": "null"} in result["error"]["oneOf"]
    photo = schema["components"]["schemas"]["OfficialPersonOutput"]["properties"]["photo_url"]
    assert photo["type"] == "string"
    assert "oneOf" not in photo


def test_every_request_body_is_json_only(schema):
    bodies = [op["requestBody"] for _, _, op in operations(schema) if "requestBody" in op]
    assert bodies
    assert all(list(body["content"]) == ["application/json"] for body in bodies)


def test_every_operation_documents_every_error_it_can_answer_with(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "403", "429", "503"}
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        names = {p["name"] for p in operation.get("parameters", [])}
        if "{" in path or names & {"page", "cursor"}:
            expected.add("404")
        assert expected <= set(responses), f"{method} {path} lacks {expected - set(responses)}"
        for status, response in responses.items():
            if status[0] in "45":
                assert response["content"] == {"application/json": {"schema": ERROR_REF}}, (method, path, status)
                assert response["description"]
        assert responses["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
        assert responses["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    calls = schema["paths"]["/api/v1/calls/"]["post"]["responses"]
    assert {"200", "201", "404", "422"} <= set(calls)


def test_error_fields_are_typed(schema):
    body = schema["components"]["schemas"]["ErrorBody"]
    assert body["required"] == ["code", "message"]
    assert body["properties"]["fields"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    ("name", "field", "values"),
    [
        ("MyChapterOutput", "role", {"member", "lead"}),
        ("OfficialEntryOutput", "role", {"us_senate", "attorney_general", "organisation"}),
        ("OfficeOutput", "role", {"us_senate", "attorney_general"}),
        ("ActionOutput", "kind", {"call", "write"}),
        ("OfficialContactPointOutput", "kind", {"phone", "form"}),
        ("OfficialDivisionOutput", "kind", {"state", "cd"}),
        ("CampaignListOutput", "status", {"active", "draft"}),
        ("WrongNumberReportOutput", "status", {"open", "fixed"}),
        ("CallOutput", "outcome", {"reached", "voicemail"}),
        ("MeOutput", "reminder_frequency", {"never", "weekly"}),
    ],
)
def test_closed_sets_of_values_are_enums(schema, name, field, values):
    enum = component(schema, schema["components"]["schemas"][name]["properties"][field])
    assert values <= set(enum["enum"])


def test_my_last_outcome_is_an_outcome_or_null(schema):
    last = schema["components"]["schemas"]["TargetOutput"]["properties"]["last_outcome"]
    branches = [component(schema, branch) for branch in last["oneOf"]]
    assert {"reached", "voicemail"} <= set(branches[0]["enum"])
    assert branches[1] == {"type": "null"}


def test_the_idempotency_key_header_has_its_real_length_and_pattern(schema):
    parameters = schema["paths"]["/api/v1/calls/"]["post"]["parameters"]
    key = next(p for p in parameters if p["name"] == "Idempotency-Key")
    assert key["in"] == "header"
    assert key["schema"] == {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[!-~]+$"}
    documented = re.compile(key["schema"]["pattern"])
    for sample in ["5f0c2a8e-1b7e-4c1e-9d1a-2f3b4c5d6e7f", "a", "x" * 100, "x" * 101, "", "with space", "é", "tab\t"]:
        fits_schema = 1 <= len(sample) <= 100 and documented.match(sample) is not None
        assert fits_schema == (IDEMPOTENCY_KEY_RE.match(sample) is not None), sample


def test_the_token_is_declared_as_http_bearer_and_no_operation_asks_for_a_cookie(schema):
    """Issue 29: an apiKey named Authorization made generators send the bare key (401), and cookieAuth on
    every operation made one send the key as a session cookie."""
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"]["type"] == "http"
    assert schemes["tokenAuth"]["scheme"] == "bearer"
    assert "Token <key>" in schemes["tokenAuth"]["description"]
    assert "bearerAuth" not in schemes
    for path, method, operation in operations(schema):
        if (path, method) in ANONYMOUS:
            assert operation["security"] == [], (method, path)
        else:
            assert operation["security"] == [{"tokenAuth": []}], (method, path)


def test_every_free_text_input_is_nul_free_and_page_size_is_bounded(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            value = parameter["schema"]
            if value.get("type") == "string" and not {"enum", "format"} & set(value):
                assert "pattern" in value, (method, path, parameter["name"])
            if parameter["name"] == "page_size":
                assert value == {"type": "integer", "minimum": 1, "maximum": 500}
    report = schema["components"]["schemas"]["WrongNumberReportInputRequest"]["properties"]["reason"]
    assert report["pattern"] == "^[^\\x00]*$"


def test_zip_district_and_dates_carry_the_servers_patterns(schema):
    officials = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/officials/"]["get"]["parameters"]}
    zip_pattern = re.compile(officials["zip"]["pattern"])
    for good in ["", "65101", "65101-1234"]:
        assert zip_pattern.fullmatch(good), good
    for bad in ["6510", "651011234", " 65101", "65101-", "\u0666\u0665\u0661\u0660\u0661"]:
        assert not zip_pattern.fullmatch(bad), bad
    assert re.fullmatch(officials["district"]["pattern"], "ocd-division/country:us/state:mo/cd:3")
    tally = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/chapters/{slug}/tally/"]["get"]["parameters"]}
    date = re.compile(tally["start"]["pattern"])
    for good in ["1900-01-01", "2100-12-31", "2000-02-29", "2024-02-29", "2026-04-30"]:
        assert date.fullmatch(good), good
    for bad in ["1899-12-31", "2101-01-01", "1900-02-29", "2100-02-29", "2026-04-31", "2026-1-5", ""]:
        assert not date.fullmatch(bad), bad


@pytest.mark.parametrize("path", ["/api/v1/calls/", "/api/v1/officials/"])
def test_the_large_lists_page_by_an_opaque_cursor(schema, path):
    operation = schema["paths"][path]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size"} <= names
    assert "page" not in names
    page = component(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert page["properties"]["next_cursor"]["type"] == ["string", "null"]
    assert "count" not in page["properties"]
