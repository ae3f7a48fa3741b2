"""A newer snapshot after an older one: leavers end, arrivals start, calls keep their person."""

import datetime

import pytest

from officials.importers import import_congress, import_divisions
from officials.models import ContactPoint, OfficeRole, Person, Term
from tallies.models import CallLog
from tallies.services import call_log_create
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory


@pytest.fixture
def snapshots(db, shared_data):
    import_divisions(source=shared_data / "ocd-divisions")
    old = import_congress(source=str(shared_data / "congress-legislators" / "history" / "2024-05-08"))
    return shared_data, old


def senate_holder(state, seat):
    term = Term.objects.current().get(
        office__role=OfficeRole.US_SENATE, office__division__state=state, office__seat=seat
    )
    return term.person


def test_the_older_yaml_snapshot_imports_the_118th_congress(snapshots):
    _data, old = snapshots
    assert old.detail[("person", "created")] == 536
    assert senate_holder("UT", "class-1").name == "Mitt Romney"


def test_a_newer_snapshot_ends_leavers_starts_arrivals_and_moves_a_representative_to_the_senate(snapshots):
    data, _old = snapshots
    romney = Person.objects.get(bioguide_id="R000615")
    curtis = Person.objects.get(bioguide_id="C001114")
    user = UserFactory()
    utah_seat = Term.objects.current().get(person=romney).office
    house_seat = Term.objects.current().get(person=curtis).office
    # Fixed targets, open to any caller: the caller's ZIP is not what this test is about.
    action = ActionFactory(target_roles=[], target_offices=[utah_seat, house_seat])
    call, _ = call_log_create(user=user, campaign=action.campaign, action=action, office=utah_seat, outcome="reached")
    assert call.person == romney
    assert house_seat.role == OfficeRole.US_HOUSE
    house_call, _ = call_log_create(
        user=user, campaign=action.campaign, action=action, office=house_seat, outcome="voicemail"
    )

    result = import_congress(source=str(data / "congress-legislators"))

    yesterday = datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011 (UTC settings)
    # Romney left: his term ended, his DC line is retired, the row is still there.
    romney_term = Term.objects.get(person=romney)
    assert romney_term.end is not None
    assert romney_term.end <= yesterday
    assert not ContactPoint.objects.filter(person=romney, is_active=True).exists()
    assert ContactPoint.objects.filter(person=romney, is_active=False).exists()
    # Curtis moved from the House to Romney's seat: the House term ended, a Senate term started.
    assert senate_holder("UT", "class-1") == curtis
    curtis_terms = {t.office.role: t for t in Term.objects.filter(person=curtis).select_related("office")}
    assert curtis_terms[OfficeRole.US_HOUSE].end is not None
    assert curtis_terms[OfficeRole.US_SENATE].end is None
    assert curtis_terms[OfficeRole.US_SENATE].office == utah_seat
    # The calls still point at whoever held the office when they were made.
    call.refresh_from_db()
    house_call.refresh_from_db()
    assert (call.office, call.person) == (utah_seat, romney)
    assert (house_call.office, house_call.person) == (house_seat, curtis)
    assert CallLog.objects.count() == 2
    # A new call on the seat goes to the new holder.
    new_call, _ = call_log_create(user=user, campaign=action.campaign, action=action, office=utah_seat, outcome="busy")
    assert new_call.person == curtis
    assert result.detail[("term", "ended")] >= 84
    assert result.detail[("person", "created")] == 85


def test_every_mover_gets_a_senate_term_and_missouri_gets_its_new_representative(snapshots):
    data, _old = snapshots
    import_congress(source=str(data / "congress-legislators"))
    movers = ["S001150", "G000574", "B001303", "B001299", "C001114", "S001208", "K000394"]
    for bioguide in movers:
        roles = sorted(Term.objects.filter(person__bioguide_id=bioguide).values_list("office__role", "end"))
        assert [r for r, end in roles if end is None] == [OfficeRole.US_SENATE], bioguide
    mo1 = Term.objects.current().get(office__division__ocd_id="ocd-division/country:us/state:mo/cd:1")
    assert mo1.person.name == "Wesley Bell"
    bush = Term.objects.get(person__bioguide_id="B001224")
    assert bush.end is not None


def test_a_snapshot_date_is_the_last_day_of_the_leavers_terms(snapshots):
    data, _old = snapshots
    import_congress(source=str(data / "congress-legislators"), snapshot_date=datetime.date(2026, 6, 15))
    romney_term = Term.objects.get(person__bioguide_id="R000615")
    # Curtis's Senate term started 2025-01-03, so the seat's previous holder ended the day before.
    assert romney_term.end == datetime.date(2025, 1, 2)
    leaver = Term.objects.get(person__bioguide_id="B001224")  # Cori Bush, succeeded on 2025-01-03
    assert leaver.end == datetime.date(2025, 1, 2)


def test_importing_the_newer_snapshot_again_changes_nothing(snapshots):
    data, _old = snapshots
    import_congress(source=str(data / "congress-legislators"))
    again = import_congress(source=str(data / "congress-legislators"))
    assert (again.created, again.updated, again.ended) == (0, 0, 0)
