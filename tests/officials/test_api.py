from http import HTTPStatus

import pytest
from django.core.management import call_command

from officials.models import OfficeRole
from tests.factories.officials import missouri_officials

URL = "/api/v1/officials/"


@pytest.fixture
def missouri(db):
    return missouri_officials()


def test_a_zip_gives_the_callers_officials_to_an_anonymous_client(api_client, missouri):
    response = api_client.get(URL, {"zip": "65101"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["zip"] == "65101"
    assert body["state"] == "MO"
    assert body["split"] is False
    assert body["representative_known"] is True
    assert [r["role"] for r in body["results"]] == [
        "us_senate",
        "us_senate",
        "us_house",
        "governor",
        "attorney_general",
    ]
    ag = body["results"][-1]
    assert ag["holder"]["name"] == "Catherine Hanaway"
    assert ag["contact_points"][0] == {
        "id": ag["contact_points"][0]["id"],
        "kind": "phone",
        "label": "Capitol office",
        "value": "+15737513321",
        "display_value": "(573) 751-3321",
        "tel_url": "tel:+15737513321",
        "hours": "",
        "address": "",
        "is_capitol": True,
    }


def test_a_split_zip_says_so_and_lists_the_candidate_districts(api_client, missouri):
    body = api_client.get(URL, {"zip": "63103"}).json()
    assert body["split"] is True
    assert [d["ocd_id"] for d in body["districts"]] == [
        "ocd-division/country:us/state:mo/cd:1",
        "ocd-division/country:us/state:mo/cd:2",
    ]
    assert [r["holder"]["name"] for r in body["results"] if r["role"] == "us_house"] == ["Wesley Bell", "Ann Wagner"]


def test_district_chooses_among_the_candidates(api_client, missouri):
    body = api_client.get(URL, {"zip": "63103", "district": "ocd-division/country:us/state:mo/cd:2"}).json()
    assert body["split"] is False
    assert body["chosen_district"]["ocd_id"].endswith("cd:2")
    assert [r["holder"]["name"] for r in body["results"] if r["role"] == "us_house"] == ["Ann Wagner"]


def test_a_district_the_zip_does_not_touch_is_a_404(api_client, missouri):
    """Well formed (the schema's pattern), so not a 400: there is no such district for this ZIP."""
    response = api_client.get(URL, {"zip": "65101", "district": "ocd-division/country:us/state:mo/cd:2"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "is not in district" in response.json()["error"]["message"]


def test_a_zip_and_a_role_give_just_that_role(api_client, missouri):
    body = api_client.get(URL, {"zip": "65101", "role": "attorney_general"}).json()
    assert [r["title"] for r in body["results"]] == ["Attorney General of Missouri"]


def test_state_and_role_filter_the_offices(api_client, missouri):
    body = api_client.get(URL, {"state": "MO", "role": "attorney_general"}).json()
    assert len(body["results"]) == 1
    assert body["results"][0]["holder"]["name"] == "Catherine Hanaway"
    senators = api_client.get(URL, {"state": "mo", "role": "us_senate"}).json()
    assert sorted(r["holder"]["name"] for r in senators["results"]) == ["Eric Schmitt", "Josh Hawley"]


def test_the_list_is_paged_by_an_opaque_cursor(api_client, missouri):
    ids, cursor, pages = [], None, 0
    while True:
        body = api_client.get(URL, {"page_size": 3, **({"cursor": cursor} if cursor else {})}).json()
        ids += [r["id"] for r in body["results"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert body["next"].startswith("http://testserver/api/v1/officials/?cursor=")
    assert len(ids) == len(set(ids)) == 8  # 7 Missouri seats and the Department of Justice
    assert pages == 3


def test_an_invalid_cursor_is_a_404_in_the_error_shape(api_client, missouri):
    response = api_client.get(URL, {"cursor": "not-a-cursor"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_a_zip_gives_every_official_in_one_page(api_client, missouri):
    body = api_client.get(URL, {"zip": "65101", "page_size": 2}).json()
    assert len(body["results"]) > 2
    assert body["next_cursor"] is None
    assert body["zip"] == "65101"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zip": "6510"}, "zip"),
        ({"zip": "abcde"}, "zip"),
        ({"state": "XX"}, "state"),
        ({"state": "Missouri"}, "state"),
        ({"role": "king"}, "role"),
    ],
)
def test_malformed_filters_are_a_400_in_the_project_error_shape(api_client, missouri, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert error["message"]


def test_one_office_with_its_holder_and_contact_points(api_client, missouri):
    doj = missouri["doj"]
    body = api_client.get(f"{URL}{doj.pk}/").json()
    assert body["role"] == OfficeRole.ORGANISATION
    assert body["name"] == "U.S. Department of Justice"
    assert body["holder"] is None
    assert {cp["value"] for cp in body["contact_points"]} == {"https://www.justice.gov/contact-us", "+12025142000"}
    ag = api_client.get(f"{URL}{missouri['attorney_general'].pk}/").json()
    assert ag["holder"]["name"] == "Catherine Hanaway"


def test_an_unknown_office_is_a_404(api_client, missouri):
    response = api_client.get(f"{URL}999999/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_the_schema_documents_the_officials_endpoints_and_every_filter(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    import yaml

    schema = yaml.safe_load(path.read_text())
    listing = schema["paths"]["/api/v1/officials/"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    for name in ("zip", "district", "state", "role"):
        assert params[name].get("description"), name
    assert "/api/v1/officials/{id}/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/contact-points/{id}/reports/"]
    page = schema["components"]["schemas"]["PaginatedOfficialEntryOutputList"]["properties"]
    assert {"split", "districts", "results"} <= set(page)
