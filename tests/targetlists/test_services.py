"""Importing a list: all or nothing, re-imports by external_id, limits, one chapter's lists only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from officials.models import ContactPoint, Office, OfficeRole, Term
from targetlists.models import TargetList, TargetListMember
from targetlists.rows import parse_csv
from targetlists.services import (
    TargetListInUse,
    TargetListInvalid,
    TargetListLimitReached,
    target_list_delete,
    target_list_import,
)
from tests.factories.accounts import ChapterFactory, MembershipFactory
from tests.factories.tallies import CallLogFactory

from .conftest import ROWS, csv_bytes, list_action

pytestmark = pytest.mark.django_db


def test_import_creates_an_office_person_term_and_phone_per_row(chapter, lead):
    report = target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="Aldermen")
    assert (report.created, report.updated, report.retired) == (4, 0, 0)
    member = TargetListMember.objects.get(external_id="w1")
    assert member.office.role == OfficeRole.LIST_TARGET
    assert member.office.title == "Alderperson"
    assert member.zips == ["63101", "63102", "63103"]
    assert member.district == "Ward 1"
    term = Term.objects.current().get(office=member.office)
    assert term.person.name == "Alex Sample"
    assert term.person.family_name == "Sample"
    phone = ContactPoint.objects.get(office=member.office, kind="phone")
    assert (phone.value, phone.label) == ("+13145550101", "City Hall")
    assert member.title_in("es") == "Concejal"
    assert member.district_in("es") == "Distrito 1"


def test_one_bad_row_writes_nothing(chapter, lead):
    parsed = parse_csv(csv_bytes(*ROWS, "Bad Row,Alderperson,,not a phone,,,,,,w9"))
    with pytest.raises(TargetListInvalid) as caught:
        target_list_import(chapter=chapter, parsed=parsed, user=lead, name="Aldermen")
    assert "Row 6, column phone" in caught.value.messages[0]
    assert not TargetList.objects.exists()
    assert not Office.objects.filter(role=OfficeRole.LIST_TARGET).exists()


def test_dry_run_counts_and_writes_nothing(chapter, lead):
    report = target_list_import(
        chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="Aldermen", dry_run=True
    )
    assert report.dry_run
    assert report.created == 4
    assert not TargetList.objects.exists()
    assert not Office.objects.filter(role=OfficeRole.LIST_TARGET).exists()


def test_reimport_updates_by_id_keeps_calls_and_retires_the_missing(chapter, lead, aldermen, volunteer):
    ward1 = TargetListMember.objects.get(external_id="w1")
    ward2 = TargetListMember.objects.get(external_id="w2")
    action = list_action(chapter=chapter, target_list=aldermen)
    CallLogFactory(user=volunteer, campaign=action.campaign, action=action, office=ward2.office)
    rows = [
        ROWS[0].replace("314-555-0101", "314-555-0199"),  # w1: a new number
        ROWS[2],
        ROWS[3],
        "New Person,Alderperson,Concejal,314-555-0107,,Ward 7,Distrito 7,63109,,w7",
    ]  # w2 left out
    report = target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*rows)), user=lead, target_list=aldermen)
    assert (report.created, report.updated, report.unchanged, report.retired) == (1, 1, 2, 1)
    ward1.refresh_from_db()
    assert ContactPoint.objects.get(office=ward1.office, kind="phone", is_active=True).value == "+13145550199"
    ward2.refresh_from_db()
    assert ward2.retired_at is not None
    assert not Office.objects.get(pk=ward2.office_id).is_active
    # The call logged to the retired member still points at it, so past tallies keep it.
    assert ward2.office.call_logs.count() == 1
    # Running the same import again changes nothing.
    again = target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*rows)), user=lead, target_list=aldermen)
    assert (again.created, again.updated, again.retired) == (0, 0, 0)


def test_reimport_without_ids_matches_name_and_title(chapter, lead):
    rows = ["A Person,Alderperson,,314-555-0101,,Ward 1,,,,", "B Person,Alderperson,,,,Ward 2,,,,"]
    first = target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*rows)), user=lead, name="L")
    office_id = TargetListMember.objects.get(key="name:a person|alderperson").office_id
    rows[0] = rows[0].replace("Ward 1", "Ward 1 North")
    report = target_list_import(
        chapter=chapter, parsed=parse_csv(csv_bytes(*rows)), user=lead, target_list=first.target_list
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert TargetListMember.objects.get(office_id=office_id).district == "Ward 1 North"


def test_a_new_holder_of_the_same_id_gets_a_new_term(chapter, lead, aldermen):
    member = TargetListMember.objects.get(external_id="w1")
    rows = [ROWS[0].replace("Alex Sample", "Sam Newcomer"), *ROWS[1:]]
    target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*rows)), user=lead, target_list=aldermen)
    holder = Term.objects.current().filter(office=member.office).order_by("-start", "-pk").first()
    assert holder.person.name == "Sam Newcomer"
    assert Term.objects.filter(office=member.office).count() == 2


def test_limits_come_from_settings(chapter, lead, settings):
    settings.TARGET_LISTS_PER_CHAPTER = 1
    target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="One")
    with pytest.raises(TargetListLimitReached, match="already has 1 target lists"):
        target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="Two")
    settings.TARGET_LIST_MAX_ROWS = 2
    assert "a list may have at most 2." in str(parse_csv(csv_bytes(*ROWS)).problems[0])


def test_names_are_unique_in_a_chapter(chapter, lead, aldermen):
    with pytest.raises(ValidationError) as caught:
        target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead, name="board of aldermen")
    assert "name" in caught.value.message_dict


def test_only_the_chapters_leads_import(chapter, volunteer):
    with pytest.raises(PermissionDenied):
        target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=volunteer, name="L")
    other = ChapterFactory(name="Other")
    lead_elsewhere = MembershipFactory(chapter=other, role="lead").user
    with pytest.raises(PermissionDenied):
        target_list_import(chapter=chapter, parsed=parse_csv(csv_bytes(*ROWS)), user=lead_elsewhere, name="L")


def test_delete_refuses_a_list_in_use_and_keeps_offices_otherwise(chapter, lead, aldermen):
    action = list_action(chapter=chapter, target_list=aldermen)
    with pytest.raises(TargetListInUse):
        target_list_delete(target_list=aldermen, user=lead)
    action.delete()
    offices = list(TargetListMember.objects.values_list("office_id", flat=True))
    target_list_delete(target_list=aldermen, user=lead)
    assert not TargetList.objects.exists()
    assert Office.objects.filter(pk__in=offices, is_active=False).count() == 4


def test_a_list_belongs_to_its_chapter_only(chapter, lead, aldermen):
    from campaigns.services import action_create
    from tests.factories.campaigns import CampaignFactory

    other = ChapterFactory(name="Kansas City")
    MembershipFactory(user=lead, chapter=other, role="lead")
    campaign = CampaignFactory(chapter=other)
    with pytest.raises(ValidationError) as caught:
        action_create(campaign=campaign, user=lead, title="Call", target_list=aldermen, target_list_mode="all")
    assert "target_list" in caught.value.message_dict


def test_a_full_list_of_2000_rows_imports_in_a_fixed_number_of_queries(chapter, lead, django_assert_max_num_queries):
    rows = [f"Person {i},Alderperson,,314-555-01{i % 100:02d},,Ward {i},,63103,,id-{i}" for i in range(2000)]
    parsed = parse_csv(csv_bytes(*rows))
    assert parsed.ok
    # SQLite splits each bulk INSERT into batches under its variable limit.
    limit = 25 if connection.vendor == "postgresql" else 150
    with django_assert_max_num_queries(limit):
        report = target_list_import(chapter=chapter, parsed=parsed, user=lead, name="Big")
    assert report.created == 2000
    assert TargetListMember.objects.filter(target_list=report.target_list).count() == 2000
    assert ContactPoint.objects.filter(office__list_member__target_list=report.target_list).count() == 2000
    # Importing it again: no query per unchanged row.
    with django_assert_max_num_queries(limit):
        again = target_list_import(chapter=chapter, parsed=parsed, user=lead, target_list=report.target_list)
    assert again.unchanged == 2000
