"""/api/v1/chapters/{slug}/target-lists/: lead-only, rows as JSON, all or nothing, in the schema."""

from http import HTTPStatus

import pytest

from officials.models import Office, OfficeRole
from targetlists.models import TargetList

from .conftest import list_action

pytestmark = pytest.mark.django_db

URL = "/api/v1/chapters/st-louis-callers/target-lists/"
ROWS = [
    {"name": "Alex Sample", "title": "Alderperson", "phone": "314-555-0101", "district": "Ward 1",
     "zips": "63101 63103", "external_id": "w1", "title_es": "Concejal", "district_es": "Distrito 1"},
    {"name": "Jordan Example", "title": "Alderperson", "phone": "314-555-0102", "district": "Ward 2",
     "zips": "63104", "external_id": "w2"},
]  # fmt: skip


def test_a_lead_creates_lists_reads_and_deletes_a_list(chapter, lead, token_client):
    client = token_client(lead)
    response = client.post(URL, {"name": "Aldermen", "rows": ROWS}, format="json")
    assert response.status_code == HTTPStatus.CREATED, response.content
    body = response.json()
    assert body["name"] == "Aldermen"
    assert body["member_count"] == 2
    assert body["members"][0]["phone"] == "+13145550101"
    assert body["members"][0]["zips"] == ["63101", "63103"]
    assert body["members"][0]["name"] == "Alex Sample"
    listed = client.get(URL).json()
    assert [t["name"] for t in listed] == ["Aldermen"]
    detail = client.get(f"{URL}{body['id']}/").json()
    assert detail["members"][1]["district"] == "Ward 2"
    assert client.delete(f"{URL}{body['id']}/").status_code == HTTPStatus.NO_CONTENT
    assert not TargetList.objects.exists()


def test_dry_run_previews_and_writes_nothing(chapter, lead, token_client):
    response = token_client(lead).post(URL, {"name": "Aldermen", "rows": ROWS, "dry_run": True}, format="json")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["created"] == 2
    assert response.json()["rows"][1]["phone"] == "+13145550102"
    assert not TargetList.objects.exists()


def test_bad_rows_name_each_row_and_column_and_write_nothing(chapter, lead, token_client):
    """Rows of the schema's shape whose cells break a rule only the server knows: a 422, each problem at its cell."""
    rows = [*ROWS, {"name": "=cmd()", "title": "Alderperson", "phone": "12", "external_id": "w1"}]
    response = token_client(lead).post(URL, {"name": "Aldermen", "rows": rows}, format="json")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    error = response.json()["error"]
    assert error["code"] == "target_list_rows_invalid"
    assert set(error["fields"]) == {"rows.2.name", "rows.2.phone"}
    assert error["fields"]["rows.2.phone"] == ["12 is not a valid U.S. phone number."]
    assert error["message"].startswith("rows.2.")
    assert not Office.objects.filter(role=OfficeRole.LIST_TARGET).exists()


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"phone": "555"}, "phone"),
        ({"zips": "00000"}, "zips"),
        ({"zips": "6310"}, "zips"),
        ({"email": "not-an-email"}, "email"),
        ({"contact_form": "ftp://example.org"}, "contact_form"),
        ({"photo_url": "example"}, "photo_url"),
        ({"party": "+D"}, "party"),
        ({"district": "-1"}, "district"),
        ({"title_es": "@x"}, "title_es"),
        ({"name": " "}, "name"),
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_every_cell_rule_the_schema_cannot_say_is_a_422(chapter, lead, token_client, aldermen, cells, column, method):
    client = token_client(lead)
    rows = [ROWS[0], {"name": "Pat Person", "title": "Alderperson", **cells}]
    url = URL if method == "post" else f"{URL}{aldermen.pk}/"
    response = getattr(client, method)(url, {"name": "Another", "rows": rows}, format="json")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
    error = response.json()["error"]
    assert error["code"] == "target_list_rows_invalid"
    assert list(error["fields"]) == [f"rows.1.{column}"]
    assert TargetList.objects.get().name == "Board of Aldermen"


def test_two_rows_for_one_person_are_a_422_at_the_second(chapter, lead, token_client):
    rows = [ROWS[0], {**ROWS[1], "external_id": "w1"}]
    response = token_client(lead).post(URL, {"name": "Aldermen", "rows": rows}, format="json")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert list(response.json()["error"]["fields"]) == ["rows.1.external_id"]


def test_every_cell_as_long_as_the_schema_allows_is_accepted(chapter, lead, token_client, client):
    """The rows' limits are the schema's maxLength exactly: a cell at the limit goes through."""
    from targetlists.rows import MAX_LENGTHS

    schema = client.get("/api/schema/?format=json").json()
    row_schema = schema["components"]["schemas"]["TargetListRowInputRequest"]["properties"]
    assert {column: row_schema[column]["maxLength"] for column in MAX_LENGTHS} == MAX_LENGTHS
    plain = ["name", "title", "title_es", "phone_label", "district", "district_es", "party", "external_id"]
    row = {column: "0" * MAX_LENGTHS[column] for column in plain}
    row.update({"phone": "", "zips": "", "email": "", "contact_form": "", "photo_url": ""})
    response = token_client(lead).post(URL, {"name": "0", "rows": [row]}, format="json")
    assert response.status_code == HTTPStatus.CREATED, response.content
    assert response.json()["members"][0]["external_id"] == "0" * 200
    too_long = {**row, "external_id": "0" * 201}
    response = token_client(lead).post(URL, {"name": "1", "rows": [too_long]}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["error"]["fields"]) == ["rows.0.external_id"]


def test_a_name_another_list_has_is_a_409_and_a_blank_one_a_422(chapter, lead, token_client, aldermen):
    client = token_client(lead)
    other = client.post(URL, {"name": "Second", "rows": ROWS}, format="json").json()
    item = f"{URL}{other['id']}/"
    taken = [
        client.post(URL, {"name": "board of aldermen", "rows": ROWS}, format="json"),
        client.put(item, {"name": "Board of Aldermen", "rows": ROWS}, format="json"),
        client.patch(item, {"name": "Board  of aldermen"}, format="json"),
        client.patch(item, {"name": "Board of Aldermen", "rows": ROWS, "dry_run": True}, format="json"),
    ]
    for response in taken:
        assert response.status_code == HTTPStatus.CONFLICT, response.content
        error = response.json()["error"]
        assert error["code"] == "target_list_name_taken"
        assert error["fields"] == {"name": ["This chapter already has a list with this name."]}
    blank = [
        client.post(URL, {"name": "  ", "rows": ROWS}, format="json"),
        client.put(item, {"name": " ", "rows": ROWS}, format="json"),
        client.patch(item, {"name": "\t"}, format="json"),
    ]
    for response in blank:
        assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, response.content
        assert response.json()["error"]["code"] == "target_list_name_blank"
        assert list(response.json()["error"]["fields"]) == ["name"]
    assert sorted(TargetList.objects.values_list("name", flat=True)) == ["Board of Aldermen", "Second"]


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_put_and_patch_answer_what_the_schema_documents(chapter, lead, token_client, client, method, dry_run):
    """The list, or with dry_run the preview: both are the documented 200 (the contract run found the preview
    undocumented)."""
    from jsonschema import Draft202012Validator

    schema = client.get("/api/schema/?format=json").json()
    api = token_client(lead)
    created = api.post(URL, {"name": "Aldermen", "rows": ROWS}, format="json").json()
    body = {"name": "0", "rows": [{"name": "0", "title": "0"}], "dry_run": dry_run}
    response = getattr(api, method)(f"{URL}{created['id']}/", body, format="json")
    assert response.status_code == HTTPStatus.OK
    assert ("created" in response.json()) is dry_run
    documented = schema["paths"]["/api/v1/chapters/{slug}/target-lists/{id}/"][method]["responses"]["200"]
    validator = Draft202012Validator(
        {**documented["content"]["application/json"]["schema"], "components": schema["components"]}
    )
    errors = [error.message for error in validator.iter_errors(response.json())]
    assert errors == []


def test_update_reimports_and_patch_renames(chapter, lead, token_client):
    client = token_client(lead)
    created = client.post(URL, {"name": "Aldermen", "rows": ROWS}, format="json").json()
    new_rows = [ROWS[0], {"name": "New Person", "title": "Alderperson", "external_id": "w7"}]
    response = client.put(f"{URL}{created['id']}/", {"name": "Aldermen", "rows": new_rows}, format="json")
    assert response.status_code == HTTPStatus.OK
    members = response.json()["members"]
    assert [(m["name"], m["retired"]) for m in members] == [
        ("Alex Sample", False),
        ("New Person", False),
        ("Jordan Example", True),
    ]
    renamed = client.patch(f"{URL}{created['id']}/", {"name": "Board"}, format="json").json()
    assert renamed["name"] == "Board"


def test_only_leads_see_lists(chapter, lead, volunteer, token_client, aldermen):
    member_client = token_client(volunteer)
    assert member_client.get(URL).status_code == HTTPStatus.NOT_FOUND
    assert member_client.get(f"{URL}{aldermen.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert member_client.post(URL, {"name": "X", "rows": ROWS}, format="json").status_code == HTTPStatus.NOT_FOUND
    assert token_client(lead).get("/api/v1/chapters/nope/target-lists/").status_code == HTTPStatus.NOT_FOUND


def test_a_list_in_use_is_a_409_and_the_limit_a_422(chapter, lead, token_client, aldermen, settings):
    list_action(chapter=chapter, target_list=aldermen)
    client = token_client(lead)
    response = client.delete(f"{URL}{aldermen.pk}/")
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "target_list_in_use"
    settings.TARGET_LISTS_PER_CHAPTER = 1
    response = client.post(URL, {"name": "Second", "rows": ROWS}, format="json")
    assert response.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert response.json()["error"]["code"] == "target_list_limit"


def test_the_schema_documents_every_operation(client):
    schema = client.get("/api/schema/?format=json").json()
    collection = schema["paths"]["/api/v1/chapters/{slug}/target-lists/"]
    item = schema["paths"]["/api/v1/chapters/{slug}/target-lists/{id}/"]
    assert {op["operationId"] for op in collection.values()} == {"target_lists_list", "target_lists_create"}
    assert {op["operationId"] for op in item.values()} == {
        "target_lists_retrieve",
        "target_lists_update",
        "target_lists_partial_update",
        "target_lists_destroy",
    }
    assert set(collection["post"]["responses"]) >= {"200", "201", "400", "404", "409", "422"}
    for method in ("put", "patch"):
        assert set(item[method]["responses"]) >= {"200", "400", "404", "409", "422"}
    id_param = next(p for p in item["get"]["parameters"] if p["name"] == "id")
    assert id_param["schema"]["type"] == "integer"
    row = schema["components"]["schemas"]["TargetListRowInputRequest"]
    assert set(row["required"]) == {"name", "title"}
    assert row["properties"]["name"]["maxLength"] == 200
