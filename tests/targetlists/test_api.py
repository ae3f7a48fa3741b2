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
    rows = [*ROWS, {"name": "=cmd()", "title": "Alderperson", "phone": "12", "external_id": "w1"}]
    response = token_client(lead).post(URL, {"name": "Aldermen", "rows": rows}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"rows.2.name", "rows.2.phone"}
    assert not Office.objects.filter(role=OfficeRole.LIST_TARGET).exists()


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
    assert set(collection["post"]["responses"]) >= {"200", "201", "400", "404", "422"}
    id_param = next(p for p in item["get"]["parameters"] if p["name"] == "id")
    assert id_param["schema"]["type"] == "integer"
    row = schema["components"]["schemas"]["TargetListRowInputRequest"]
    assert set(row["required"]) == {"name", "title"}
    assert row["properties"]["name"]["maxLength"] == 200
