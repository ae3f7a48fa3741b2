"""The Rally and invitations pages at a glance: unique ids, a focusable scroll region, the chapter's days."""

import datetime as dt
import re
from collections import Counter
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import translation

from rally.models import Invitation
from tests.factories.accounts import MembershipFactory, UserFactory

# 02:30 UTC on Dec 5 is still 20:30 on Dec 4 in St. Louis (America/Chicago).
LATE_EVENING = dt.datetime(2026, 12, 5, 2, 30, tzinfo=dt.UTC)


def test_the_rally_page_has_each_id_once(client, chapter, chapter_lead, campaign):
    client.force_login(chapter_lead)
    html = client.get(reverse("rally:rally", args=[chapter.slug, campaign.slug])).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'for="id_message"' in html
    assert 'for="id_call_day_message"' in html


def test_the_invitations_table_is_a_labelled_focusable_region_with_the_chapters_days(client, chapter, chapter_lead):
    Invitation.objects.create(
        chapter=chapter, email="late@example.org", created_at=LATE_EVENING, expires_at=LATE_EVENING + dt.timedelta(14)
    )
    client.force_login(chapter_lead)
    html = client.get(reverse("rally:invitations", args=[chapter.slug])).content.decode()
    assert '<div class="table-wrap" role="region" aria-labelledby="invitations-heading" tabindex="0">' in html
    assert '<h2 id="invitations-heading">' in html
    assert ">Dec 4, 2026</time>" in html
    assert ">Dec 18, 2026</time>" in html


def test_member_dates_are_the_chapters_days(client, chapter, chapter_lead):
    member = UserFactory(email="night.owl@example.org", name="Night Owl")
    MembershipFactory(user=member, chapter=chapter, joined_at=LATE_EVENING)
    client.force_login(chapter_lead)
    html = client.get(reverse("chapter_members", args=[chapter.slug])).content.decode()
    assert ">Dec 4, 2026</time>" in html


def test_one_date_format_per_language():
    from django.utils.formats import date_format

    day = dt.date(2026, 11, 24)
    moment = dt.datetime(2026, 11, 24, 18, 34, tzinfo=ZoneInfo("America/Chicago"))
    assert (date_format(day), date_format(moment, "DATETIME_FORMAT")) == ("Nov 24, 2026", "Nov 24, 2026, 18:34")
    with translation.override("es"):
        assert (date_format(day), date_format(moment, "DATETIME_FORMAT")) == ("24 nov 2026", "24 nov 2026, 18:34")


def test_the_readme_says_how_to_change_make_runs_port():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "${WEB_PORT:-8000}" in (root / "Procfile").read_text()
    assert "WEB_PORT=8001 make run" in (root / "README.md").read_text()
