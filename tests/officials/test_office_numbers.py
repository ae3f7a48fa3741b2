"""Numbers that outlive their holder, scheduled term ends, and successors imported ahead.

The Alaska governor's term ends 2026-12-07 in the real data; the tests run on chosen days.
"""

import csv
import datetime
import io
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from officials.importers import import_divisions, import_state_executives
from officials.models import ContactPoint, Office, OfficeRole, Term
from officials.selectors import officials_for_zip
from tallies.models import CallLog, Outcome
from tallies.services import call_log_create
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory

BEFORE = datetime.date(2026, 11, 29)
LAST_DAY = datetime.date(2026, 12, 7)
FIRST_DAY_AFTER = datetime.date(2026, 12, 8)
JUNEAU = "99801"
CAPITOL_LINE = "+19074653500"


@pytest.fixture
def executives(shared_data):
    return shared_data / "state-executives"


@pytest.fixture
def alaska(db, shared_data, executives, travel):
    travel(BEFORE)
    import_divisions(source=shared_data / "ocd-divisions")
    import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    return Office.objects.get(role=OfficeRole.GOVERNOR, division__ocd_id="ocd-division/country:us/state:ak")


def governor(zip_code=JUNEAU, **kwargs):
    return officials_for_zip(zip_code=zip_code, **kwargs).for_roles([OfficeRole.GOVERNOR])[0]


def test_the_scheduled_end_is_kept_and_the_capitol_line_belongs_to_the_office(alaska):
    term = Term.objects.get(office=alaska)
    assert (term.person.name, term.start, term.end) == ("Mike Dunleavy", datetime.date(2018, 12, 3), LAST_DAY)
    phone = alaska.contact_points.get(kind=ContactPoint.Kind.PHONE, is_active=True)
    assert (phone.value, phone.person) == (CAPITOL_LINE, None)
    assert alaska.contact_points.get(kind=ContactPoint.Kind.CONTACT_FORM).person is None


def test_after_the_term_ends_the_office_shows_new_officeholder_and_its_own_numbers(alaska, travel, client, api_client):
    travel(LAST_DAY)
    assert governor().person.name == "Mike Dunleavy"

    travel(FIRST_DAY_AFTER)
    entry = governor()
    assert entry.person is None
    assert entry.holder_status == "not_yet_in_data"
    assert entry.main_phone.value == CAPITOL_LINE

    html = client.get(reverse("officials:lookup"), {"zip": JUNEAU}).content.decode()
    assert "New officeholder: name not yet in our data" in html
    assert "(907) 465-3500" in html
    assert "Mike Dunleavy" not in html

    data = api_client.get("/api/v1/officials/", {"zip": JUNEAU, "role": "governor"}).json()
    (row,) = data["results"]
    assert (row["holder"], row["holder_status"]) == (None, "not_yet_in_data")
    assert CAPITOL_LINE in [cp["value"] for cp in row["contact_points"]]


def test_a_refresh_after_the_end_keeps_the_office_and_its_numbers(alaska, travel, executives):
    travel(FIRST_DAY_AFTER)
    result = import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    assert result.detail[("contact point", "ended")] == 0
    entry = governor()
    assert entry.person is None
    assert entry.main_phone.value == CAPITOL_LINE


def test_a_call_to_an_office_between_holders_is_logged_against_the_office_with_no_person(alaska, travel, client):
    travel(FIRST_DAY_AFTER)
    user = UserFactory(zip_code=JUNEAU, state="AK")
    action = ActionFactory(title="Call your governor", target_roles=[OfficeRole.GOVERNOR])
    client.force_login(user)

    page = client.get(reverse("campaigns:detail", args=[action.campaign.slug])).content.decode()
    assert "New officeholder: name not yet in our data" in page
    assert "907-465-3500" in page

    response = client.post(
        reverse("campaigns:call_log", args=[action.campaign.slug]),
        {
            "action": action.pk,
            "office": alaska.pk,
            "outcome": Outcome.REACHED,
            "idempotency_key": str(uuid.uuid4()),
            "note": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == HTTPStatus.OK
    call = CallLog.objects.get()
    assert (call.office, call.person) == (alaska, None)


def _with_successor(executives, tmp_path):
    """The real file plus one synthetic row: the real data has no successor yet."""
    text = (executives / "state-executives.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    dunleavy = next(r for r in rows if r["state"] == "AK" and r["role"] == "governor")
    successor = {
        **dunleavy,
        "name": "Pat Successor",
        "start_date": FIRST_DAY_AFTER.isoformat(),
        "end_date": "2030-12-02",
        "end_date_passed": "no",
        "image": "",
        "ocd_person_id": "ocd-person/00000000-0000-4000-8000-000000000001",
        "source_file": "",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([*rows, successor])
    path = tmp_path / "state-executives.csv"
    path.write_text(out.getvalue())
    return path


def test_a_successor_imported_ahead_takes_effect_on_the_first_day(alaska, travel, executives, tmp_path):
    path = _with_successor(executives, tmp_path)
    updates = executives / "governor-updates-pr3367-unmerged.csv"
    result = import_state_executives(source=path, governor_updates=updates)
    assert result.detail[("term", "created")] == 1
    terms = {t.person.name: t for t in Term.objects.filter(office=alaska).select_related("person")}
    assert (terms["Mike Dunleavy"].end, terms["Pat Successor"].start) == (LAST_DAY, FIRST_DAY_AFTER)
    again = import_state_executives(source=path, governor_updates=updates)
    assert not again.changed, again.summary()

    # The cached lookup (the same process, the same generation) switches on the day.
    travel(LAST_DAY)
    assert governor().person.name == "Mike Dunleavy"
    assert governor().person.name == "Mike Dunleavy"
    travel(FIRST_DAY_AFTER)
    assert governor().person.name == "Pat Successor"
    assert governor(use_cache=False).person.name == "Pat Successor"
    assert governor().main_phone.value == CAPITOL_LINE

    # A fixed target: the caller (a Missouri ZIP) may call Alaska's governor only as one.
    action = ActionFactory(target_roles=[], target_offices=[alaska])
    call, _ = call_log_create(
        user=UserFactory(zip_code=JUNEAU, state="AK"),
        campaign=action.campaign,
        action=action,
        office=alaska,
        outcome=Outcome.REACHED,
    )
    assert call.person.name == "Pat Successor"

    # On the day, the same files change nothing: the successor is simply current now.
    on_the_day = import_state_executives(source=path, governor_updates=updates)
    assert not on_the_day.changed, on_the_day.summary()


def test_lines_stored_on_the_person_by_earlier_imports_move_to_the_office(alaska, executives, staff_user):
    from officials.services import contact_point_fix

    phone = alaska.contact_points.get(kind=ContactPoint.Kind.PHONE, is_active=True)
    contact_point_fix(contact_point=phone, changed_by=staff_user, value="907-465-0000")
    dunleavy = Term.objects.get(office=alaska).person
    ContactPoint.objects.filter(pk=phone.pk).update(
        person=dunleavy, source_key=f"openstates:{dunleavy.openstates_id}:phone"
    )

    import_state_executives(
        source=executives / "state-executives.csv",
        governor_updates=executives / "governor-updates-pr3367-unmerged.csv",
    )
    phone.refresh_from_db()
    # The same row, now the office's, with the number staff corrected.
    assert (phone.person, phone.is_active, phone.value) == (None, True, "+19074650000")
    assert phone.source_key.startswith("openstates:office:")


def test_a_congress_import_leaves_an_end_staff_set_alone(db, shared_data, travel):
    """Congress files give no scheduled end for a current term; only the executives' data does."""
    from officials.importers import import_congress

    travel(BEFORE)
    import_divisions(source=shared_data / "ocd-divisions")
    import_congress(source=str(shared_data / "congress-legislators"))
    term = Term.objects.current().get(person__bioguide_id="H001089")
    Term.objects.filter(pk=term.pk).update(end=datetime.date(2027, 1, 3))
    result = import_congress(source=str(shared_data / "congress-legislators"))
    assert not result.changed, result.summary()
    term.refresh_from_db()
    assert term.end == datetime.date(2027, 1, 3)
