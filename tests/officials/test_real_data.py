"""The importers on the real files in ../shared/data, imported once for this module."""

from collections import Counter
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officials.importers import import_congress, import_divisions, import_state_executives, import_zip_districts
from officials.models import ContactPoint, Division, Office, OfficeRole, Term, ZipDivision
from officials.selectors import InvalidZipCode, officials_for_zip
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.usefixtures("real_officials")


def current_holders(role):
    return Term.objects.current().filter(office__role=role).select_related("office__division")


def test_every_state_has_two_current_senators_and_there_are_a_hundred(db):
    per_state = Counter(t.office.division.state for t in current_holders(OfficeRole.US_SENATE))
    assert sum(per_state.values()) == 100
    assert len(per_state) == 50
    assert set(per_state.values()) == {2}


def test_the_house_has_its_members_and_delegates_with_the_four_vacancies_left_empty(db):
    house = list(current_holders(OfficeRole.US_HOUSE))
    assert len(house) == 437  # 435 seats minus 4 vacancies, plus 6 delegates
    delegates = {
        t.office.division.state
        for t in house
        if t.office.division.kind != "cd" or t.office.division.state in {"DC", "PR", "AS", "GU", "MP", "VI"}
    }
    assert delegates == {"DC", "PR", "AS", "GU", "MP", "VI"}
    vacant = Office.objects.filter(role=OfficeRole.US_HOUSE).exclude(pk__in=[t.office_id for t in house])
    assert sorted(o.division.ocd_id.split("country:us/")[1] for o in vacant) == [
        "state:ca/cd:14",
        "state:fl/cd:20",
        "state:ga/cd:13",
        "state:tx/cd:23",
    ]


def test_fifty_states_have_a_current_attorney_general(db):
    states = Counter(t.office.division.state for t in current_holders(OfficeRole.ATTORNEY_GENERAL))
    assert len(states) == 50
    assert set(states.values()) == {1}
    assert "DC" not in states  # the data has no DC attorney general


def test_governors_come_from_the_main_file_and_the_pr3367_updates(db):
    governors = {
        t.office.division.state: t.person.name for t in current_holders(OfficeRole.GOVERNOR).select_related("person")
    }
    assert governors["MO"] == "Mike Kehoe"  # the main file still lists Parson, whose term ended
    assert governors["CA"] == "Gavin Newsom"  # kept although the end date is flagged wrong
    assert "NJ" not in governors  # Murphy's term ended; Sherrill must be added by hand
    assert (
        Office.objects.get(role=OfficeRole.GOVERNOR, division__state="DC").title == "Mayor of the District of Columbia"
    )


def test_titles_read_the_way_callers_say_them(db):
    titles = set(Office.objects.filter(division__state="MO").values_list("title", flat=True))
    assert {
        "U.S. Senator for Missouri",
        "U.S. Representative for Missouri's 3rd district",
        "Governor of Missouri",
        "Attorney General of Missouri",
    } <= titles
    assert (
        Office.objects.get(role=OfficeRole.US_HOUSE, division__state="AK").title
        == "U.S. Representative for Alaska (at large)"
    )
    assert (
        Office.objects.get(role=OfficeRole.US_HOUSE, division__state="PR").title
        == "Resident Commissioner for Puerto Rico"
    )


def test_senators_keep_their_seat_class_and_contact_points(db):
    term = Term.objects.current().select_related("office").get(person__bioguide_id="H001089")  # Hawley
    assert term.office.seat == "class-1"
    points = ContactPoint.objects.active().filter(person__bioguide_id="H001089")
    dc = points.get(is_capitol=True)
    assert (dc.value, dc.label, dc.display_value, dc.tel_url) == (
        "+12022246154",
        "Washington DC office",
        "(202) 224-6154",
        "tel:+12022246154",
    )
    assert points.filter(kind="form").exists()
    district = points.filter(kind="phone", is_capitol=False)
    assert district.count() >= 3
    assert all(cp.label.endswith("district office") and cp.value.startswith("+1") for cp in district)


def test_district_office_hours_are_kept(db):
    assert ContactPoint.objects.exclude(hours="").count() > 200


def test_zip_rows_keep_leading_zeros_and_map_at_large_and_dc(db):
    assert ZipDivision.objects.count() == 42033
    assert ZipDivision.objects.filter(zcta="01001").exists()
    dc = ZipDivision.objects.filter(zcta="20001").select_related("division").get()
    assert dc.division.ocd_id == "ocd-division/country:us/district:dc/cd:at-large"
    assert ZipDivision.objects.filter(zcta="82001", division__ocd_id__endswith="state:wy/cd:at-large").exists()


def test_divisions_include_current_and_obsolete_districts(db):
    assert Division.objects.filter(kind="cd", valid_through__isnull=True).count() == 441
    assert Division.objects.get(ocd_id="ocd-division/country:us/state:mo/cd:3").parent.ocd_id == (
        "ocd-division/country:us/state:mo"
    )


def test_a_second_import_of_every_file_changes_nothing(db):
    results = [
        import_divisions(source=SHARED_DATA / "ocd-divisions"),
        import_congress(source=str(SHARED_DATA / "congress-legislators")),
        import_zip_districts(source=SHARED_DATA / "zip-districts" / "zccd.csv"),
        import_state_executives(
            source=SHARED_DATA / "state-executives" / "state-executives.csv",
            governor_updates=SHARED_DATA / "state-executives" / "governor-updates-pr3367-unmerged.csv",
        ),
    ]
    for result in results:
        assert (result.created, result.updated, result.ended) == (0, 0, 0), result.summary()
        assert result.unchanged > 0
        assert "nothing to change" in result.summary()


# -- lookups on the real data ----------------------------------------------------
def roles_and_names(lookup):
    return [(e.role, e.person.name if e.person else None) for e in lookup.entries]


def test_a_single_district_zip_gives_senators_representative_governor_and_attorney_general(db):
    lookup = officials_for_zip(zip_code="65101")
    assert not lookup.split
    assert roles_and_names(lookup) == [
        (OfficeRole.US_SENATE, "Josh Hawley"),
        (OfficeRole.US_SENATE, "Eric Schmitt"),
        (OfficeRole.US_HOUSE, "Robert F. Onder, Jr."),
        (OfficeRole.GOVERNOR, "Mike Kehoe"),
        (OfficeRole.ATTORNEY_GENERAL, "Catherine Hanaway"),
    ]
    assert lookup.for_roles([OfficeRole.ATTORNEY_GENERAL])[0].main_phone.value == "+15737513321"


def test_a_split_zip_lists_every_candidate_until_the_caller_chooses(db):
    lookup = officials_for_zip(zip_code="65201")
    assert lookup.split
    assert [d.ocd_id[-4:] for d in lookup.districts] == ["cd:3", "cd:4"]
    assert len(lookup.house_entries) == 2
    chosen = officials_for_zip(zip_code="65201", district_ocd_id="ocd-division/country:us/state:mo/cd:4")
    assert not chosen.split
    assert [e.person.name for e in chosen.house_entries] == ["Mark Alford"]


def test_a_zip_missing_from_the_table_gives_the_state_officials_and_an_unknown_representative(db):
    assert not ZipDivision.objects.filter(zcta="65102").exists()  # Jefferson City PO boxes
    lookup = officials_for_zip(zip_code="65102")
    assert lookup.state == "MO"
    assert lookup.missing_from_table
    assert not lookup.representative_known
    assert lookup.house_entries == []
    assert {e.role for e in lookup.entries} == {
        OfficeRole.US_SENATE,
        OfficeRole.GOVERNOR,
        OfficeRole.ATTORNEY_GENERAL,
    }


def test_a_missing_zip_in_an_at_large_state_still_finds_the_representative(db):
    assert not ZipDivision.objects.filter(zcta="82003").exists()
    lookup = officials_for_zip(zip_code="82003")
    assert lookup.state == "WY"
    assert lookup.representative_known
    assert [e.person.name for e in lookup.house_entries] == ["Harriet M. Hageman"]


def test_dc_gives_its_delegate_and_mayor_and_no_senators(db):
    lookup = officials_for_zip(zip_code="20001")
    assert roles_and_names(lookup) == [
        (OfficeRole.US_HOUSE, "Eleanor Holmes Norton"),
        (OfficeRole.GOVERNOR, "Muriel Bowser"),
    ]


@pytest.mark.parametrize(
    ("zip_code", "state", "delegate"),
    [
        ("96910", "GU", "James C. Moylan"),
        ("00802", "VI", "Stacey E. Plaskett"),
        ("96799", "AS", "Aumua Amata Coleman Radewagen"),
        ("96950", "MP", "Kimberlyn King-Hinds"),
        ("00901", "PR", "Pablo José Hernández"),
    ],
)
def test_territories_without_zcta_rows_map_by_zip_prefix(db, zip_code, state, delegate):
    lookup = officials_for_zip(zip_code=zip_code)
    assert lookup.state == state
    assert [e.person.name for e in lookup.house_entries] == [delegate]


@pytest.mark.parametrize("zip_code", ["", "6510", "abcde", "651011", "65101-12"])
def test_a_malformed_zip_is_refused(db, zip_code):
    with pytest.raises(InvalidZipCode):
        officials_for_zip(zip_code=zip_code)


@pytest.mark.parametrize("zip_code", ["65101", "65201", "20001", "96910", "65102"])
def test_a_lookup_takes_a_small_fixed_number_of_queries(db, zip_code):
    officials_for_zip(zip_code="10001")  # loads the per-process division map once
    with CaptureQueriesContext(connection) as queries:
        cold = officials_for_zip(zip_code=zip_code)
    assert len(queries) <= 4
    with CaptureQueriesContext(connection) as queries:
        warm = officials_for_zip(zip_code=zip_code)
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        uncached = officials_for_zip(zip_code=zip_code, use_cache=False)
    assert len(queries) <= 5
    assert roles_and_names(cold) == roles_and_names(warm) == roles_and_names(uncached)


def test_the_api_lists_a_states_attorney_general_anonymously(db, api_client):
    response = api_client.get("/api/v1/officials/", {"state": "mo", "role": "attorney_general"})
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert len(body["results"]) == 1
    assert body["next_cursor"] is None
    ag = body["results"][0]
    assert ag["title"] == "Attorney General of Missouri"
    assert ag["holder"]["name"] == "Catherine Hanaway"
    assert ag["contact_points"][0]["tel_url"] == "tel:+15737513321"


def test_the_api_pages_through_every_senator_with_a_fixed_number_of_queries(db, api_client):
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/v1/officials/", {"role": "us_senate", "page_size": 100})
    assert len(response.json()["results"]) == 100
    assert response.json()["next_cursor"] is None
    assert len(queries) <= 6
