"""Dated ZIP-to-district maps: a new map is loaded ahead and the lookup switches on its first day."""

import datetime
import uuid
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from officials.importers import (
    ImportFileError,
    import_congress,
    import_divisions,
    import_state_executives,
    import_zip_districts,
)
from officials.models import Office, OfficeRole, ZipDivision, ZipMap
from officials.selectors import officials_for_zip
from officials.services import DEMO_DATA_DIR
from tallies.models import CallLog, Outcome
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory

TODAY = datetime.date(2026, 11, 29)
TOMORROW = TODAY + datetime.timedelta(days=1)
# The state capitol's ZIP, in MO-3 in the real (119th Congress) file.
JEFFERSON_CITY = "65101"


@pytest.fixture
def missouri(db, travel):
    """The built-in Missouri extract of the public data, through the real importers."""
    travel(TODAY)
    import_divisions(source=DEMO_DATA_DIR)
    import_congress(source=str(DEMO_DATA_DIR))
    import_zip_districts(source=DEMO_DATA_DIR / "zccd.csv")
    import_state_executives(source=DEMO_DATA_DIR / "state-executives.csv")


@pytest.fixture
def new_map(tmp_path):
    """The same map with Jefferson City moved from MO-3 to MO-4."""
    text = (DEMO_DATA_DIR / "zccd.csv").read_text()
    assert f"29,MO,{JEFFERSON_CITY},3\n" in text
    path = tmp_path / "zccd-new.csv"
    path.write_text(text.replace(f"29,MO,{JEFFERSON_CITY},3\n", f"29,MO,{JEFFERSON_CITY},4\n"))
    return path


def representative(**kwargs):
    return [e.person.name for e in officials_for_zip(zip_code=JEFFERSON_CITY, **kwargs).house_entries]


def load_ahead(path):
    out = StringIO()
    call_command("import_zip_districts", str(path), "--effective", TOMORROW.isoformat(), "--no-progress", stdout=out)
    return out.getvalue()


def test_a_map_loaded_ahead_takes_effect_on_its_date(missouri, new_map, travel):
    assert representative() == ["Robert F. Onder, Jr."]
    output = load_ahead(new_map)
    assert f"1 ZIPs change district from {TOMORROW}" in output
    assert ZipMap.objects.get().effective_from == TOMORROW

    # Today: the old map, also from the cache filled before the load.
    assert representative() == ["Robert F. Onder, Jr."]
    assert representative(use_cache=False) == ["Robert F. Onder, Jr."]
    travel(TOMORROW)
    assert representative() == ["Mark Alford"]
    assert representative(use_cache=False) == ["Mark Alford"]
    # Loading the same map again changes nothing.
    assert "nothing to change" in load_ahead(new_map)


def test_the_call_page_the_api_and_the_dashboards_agree_on_both_days(
    missouri, new_map, travel, client, staff_with_totp
):
    load_ahead(new_map)
    volunteer = UserFactory(zip_code=JEFFERSON_CITY, state="MO")
    action = ActionFactory(title="Call your representative", target_roles=[OfficeRole.US_HOUSE])
    campaign = action.campaign
    mo3 = Office.objects.get(division__ocd_id="ocd-division/country:us/state:mo/cd:3", role=OfficeRole.US_HOUSE)
    mo4 = Office.objects.get(division__ocd_id="ocd-division/country:us/state:mo/cd:4", role=OfficeRole.US_HOUSE)

    def check_day(expected_name, other_name, office):
        client.force_login(volunteer)
        page = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
        assert expected_name in page
        assert other_name not in page
        api = client.get("/api/v1/officials/", {"zip": JEFFERSON_CITY, "role": "us_house"}).json()
        assert [r["holder"]["name"] for r in api["results"]] == [expected_name]
        targets = client.get(f"/api/v1/campaigns/{campaign.slug}/targets/", {"zip": JEFFERSON_CITY}).json()
        assert [t["person"]["name"] for t in targets["actions"][0]["targets"]] == [expected_name]
        response = client.post(
            reverse("campaigns:call_log", args=[campaign.slug]),
            {
                "action": action.pk,
                "office": office.pk,
                "outcome": Outcome.REACHED,
                "idempotency_key": str(uuid.uuid4()),
                "note": "",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == HTTPStatus.OK
        return CallLog.objects.latest("id")

    first = check_day("Robert F. Onder, Jr.", "Mark Alford", mo3)
    travel(TOMORROW)
    second = check_day("Mark Alford", "Robert F. Onder, Jr.", mo4)
    assert (first.person.name, second.person.name) == ("Robert F. Onder, Jr.", "Mark Alford")

    staff = Client()
    staff.force_login(staff_with_totp)
    board = staff.get(reverse("tallies:staff_dashboard")).context["board"]
    assert {office.pk: n for office, n in board.by_office} == {mo3.pk: 1, mo4.pk: 1}


def test_a_saved_district_choice_is_checked_against_the_map_in_force(missouri, new_map, travel):
    from django.core.exceptions import ValidationError

    from accounts.services import user_location_set

    load_ahead(new_map)
    user = UserFactory()
    travel(TOMORROW)
    with pytest.raises(ValidationError):
        user_location_set(user=user, zip_code=JEFFERSON_CITY, district_ocd_id="ocd-division/country:us/state:mo/cd:3")
    user_location_set(user=user, zip_code=JEFFERSON_CITY, district_ocd_id="ocd-division/country:us/state:mo/cd:4")


def test_the_scheduled_refresh_of_the_old_map_leaves_the_map_loaded_ahead_alone(missouri, new_map, travel):
    load_ahead(new_map)
    result = import_zip_districts(source=DEMO_DATA_DIR / "zccd.csv", same_source=True)
    assert not result.changed, result.summary()
    travel(TOMORROW)
    assert representative() == ["Mark Alford"]


def test_without_a_date_the_map_in_force_is_replaced(missouri, new_map):
    result = import_zip_districts(source=new_map)
    assert [(m.zcta, m.before, m.after) for m in result.zip_moves] == [
        (
            JEFFERSON_CITY,
            ("ocd-division/country:us/state:mo/cd:3",),
            ("ocd-division/country:us/state:mo/cd:4",),
        )
    ]
    assert not ZipMap.objects.exists()
    assert representative() == ["Mark Alford"]


def test_a_bad_effective_date_is_a_clear_error(missouri, new_map):
    with pytest.raises(CommandError, match="not a YYYY-MM-DD date"):
        call_command("import_zip_districts", str(new_map), "--effective", "2027-13-01", "--no-progress")
    assert not ZipMap.objects.exists()


# The Census publishes the ZCTA-to-district relationship file per Congress; no copy is in the public
# data folder, so this is a small file in its documented shape (pipe-delimited, BOM, a header row).
CENSUS_FILE = (
    "\ufeffOID_CD119_20|GEOID_CD119_20|NAMELSAD_CD119_20|AREALAND_CD119_20|OID_ZCTA5_20|GEOID_ZCTA5_20|"
    "AREALAND_PART\n"
    "1|2903|Congressional District 3|1|2|65101|2500000\n"
    "1|2904|Congressional District 4|1|3|65201|100\n"
    "1|2903|Congressional District 3|1|3|65201|900\n"
    "1|2904|Congressional District 4|1|4|65202|0\n"
    "1|29ZZ|Water|0|5|65203|0\n"
    "1|2905|Congressional District 5||||\n"
)


def test_the_census_relationship_file_is_read(missouri, tmp_path):
    path = tmp_path / "tab20_cd11920_zcta520_natl.txt"
    path.write_text(CENSUS_FILE, encoding="utf-8")
    import_zip_districts(source=path, effective=TOMORROW)
    rows = sorted(ZipDivision.objects.filter(zip_map__effective_from=TOMORROW).values_list("zcta", "division__ocd_id"))
    # Water-only parts, undefined districts and parts outside any ZCTA are dropped.
    assert rows == [
        ("65101", "ocd-division/country:us/state:mo/cd:3"),
        ("65201", "ocd-division/country:us/state:mo/cd:3"),
        ("65201", "ocd-division/country:us/state:mo/cd:4"),
    ]


def test_a_census_row_with_an_unknown_state_names_the_row(missouri, tmp_path):
    path = tmp_path / "census.txt"
    path.write_text(CENSUS_FILE + "1|9903|Nowhere|1|9|99999|5\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        import_zip_districts(source=path, effective=TOMORROW)
    assert (caught.value.row, caught.value.field) == (8, "GEOID_CD119_20")
    assert not ZipMap.objects.exists()
