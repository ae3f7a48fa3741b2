"""Staff enter the turnover themselves: an incoming officeholder takes office on the first day and merges upstream."""

import datetime

import pytest
from django.urls import reverse

from officials.importers import import_divisions, import_openstates_executives, import_state_executives
from officials.models import IncomingOfficeholder, Office, OfficeRole, Person, Term
from officials.selectors import officials_for_zip
from tests.officials.openstates_tarball import person_yaml

JUNEAU = "99801"
NEW_UUID = "7a1c2f4e-1111-4222-8333-444455556666"


@pytest.fixture
def alaska(db, shared_data, travel):
    travel(datetime.date(2026, 12, 1))
    executives = shared_data / "state-executives"
    import_divisions(source=shared_data / "ocd-divisions")
    import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    return Office.objects.get(role=OfficeRole.GOVERNOR, division__ocd_id="ocd-division/country:us/state:ak")


def governor_on(day, travel):
    travel(day)
    return officials_for_zip(zip_code=JUNEAU, use_cache=False).for_roles([OfficeRole.GOVERNOR])[0]


def add_in_admin(staff_client, office, **extra):
    data = {
        "office": office.pk,
        "name": "Pat  Example",
        "party": "Independent",
        "first_day": "2026-12-07",
        "photo_url": "https://example.org/pat.jpg",
        "phone": "(907) 465-0000",
        "contact_form": "",
        "email": "",
        **extra,
    }
    return staff_client.post(reverse("admin:officials_incomingofficeholder_add"), data)


def test_staff_enter_an_incoming_officeholder_who_takes_office_on_the_first_day(alaska, staff_client, travel):
    response = add_in_admin(staff_client, alaska)
    assert response.status_code == 302, response.content.decode()[:2000]
    incoming = IncomingOfficeholder.objects.get()
    assert incoming.person.name == "Pat Example"
    assert incoming.created_by is not None

    before = governor_on(datetime.date(2026, 12, 6), travel)
    assert before.person.name == "Mike Dunleavy"
    assert "+19074650000" not in [cp.value for cp in before.contact_points]
    after = governor_on(datetime.date(2026, 12, 7), travel)
    assert after.person.name == "Pat Example"
    assert after.person.photo_url == "https://example.org/pat.jpg"
    # The override line is theirs and comes first; the office's own numbers stay.
    assert after.main_phone.value == "+19074650000"
    assert "+19074653500" in [cp.value for cp in after.contact_points]
    assert Term.objects.get(office=alaska, person__name="Mike Dunleavy").end == datetime.date(2026, 12, 6)


def test_a_bad_phone_or_an_organisation_is_a_form_error_and_writes_nothing(alaska, staff_client):
    response = add_in_admin(staff_client, alaska, phone="12")
    assert response.status_code == 200
    assert "Not a valid phone number" in response.content.decode()
    assert not IncomingOfficeholder.objects.exists()
    assert not Person.objects.filter(name="Pat Example").exists()
    from officials.services import organisation_doj_ensure

    response = add_in_admin(staff_client, organisation_doj_ensure(), phone="")
    assert "An organisation has no officeholder" in response.content.decode()
    assert not IncomingOfficeholder.objects.exists()


def test_a_later_upstream_record_of_the_same_person_merges_instead_of_duplicating(
    alaska, staff_client, travel, tmp_path
):
    add_in_admin(staff_client, alaska)
    staff_person = Person.objects.get(name="Pat Example")
    folder = tmp_path / "data" / "ak"
    folder.mkdir(parents=True)
    (folder / f"Pat-Example-{NEW_UUID}.yml").write_text(
        person_yaml(
            uuid=NEW_UUID,
            name="Pat Example",
            role="governor",
            state="ak",
            start="2026-12-07",
            end="2030-12-02",
            phone="907-465-3500",
            party="Independent",
        )
    )
    travel(datetime.date(2026, 12, 3))
    result = import_openstates_executives(source=tmp_path / "data", roles=[OfficeRole.GOVERNOR])
    assert result.detail[("person", "merged")] == 1
    assert Person.objects.filter(name="Pat Example").count() == 1
    staff_person.refresh_from_db()
    assert staff_person.openstates_id == f"ocd-person/{NEW_UUID}"
    # Staff's photo stands over the source's; one term, from staff's first day.
    assert staff_person.photo_url == "https://example.org/pat.jpg"
    (term,) = Term.objects.filter(office=alaska, person=staff_person)
    assert (term.start, term.end) == (datetime.date(2026, 12, 7), datetime.date(2030, 12, 2))
    assert governor_on(datetime.date(2026, 12, 8), travel).person == staff_person
    # Running it again changes nothing.
    again = import_openstates_executives(source=tmp_path / "data", roles=[OfficeRole.GOVERNOR])
    assert Person.objects.filter(name="Pat Example").count() == 1
    assert again.detail[("person", "merged")] == 0


def test_the_needs_attention_page_links_to_entering_the_successor(alaska, staff_client, travel):
    travel(datetime.date(2026, 12, 1))
    html = staff_client.get(reverse("admin:officials_needs_attention")).content.decode()
    ending = html.split('id="ending-soon"', 1)[1].split('id="no-holder"', 1)[0]
    assert "Governor of Alaska" in ending
    assert f"?office={alaska.pk}" in ending
    add_in_admin(staff_client, alaska)
    html = staff_client.get(reverse("admin:officials_needs_attention")).content.decode()
    ending = html.split('id="ending-soon"', 1)[1].split('id="no-holder"', 1)[0]
    assert "Governor of Alaska" not in ending
