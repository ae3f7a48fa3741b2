"""`make run`'s demo: a month of history, the same every time, loaded once, within the calling rules."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Chapter, User
from rally.models import CallDay
from tallies.models import CallLog, Outcome
from tallies.selectors import tally_dashboard, tally_impact
from tallies.verification import tally_verify


def history():
    return list(
        CallLog.objects.order_by("idempotency_key").values_list(
            "idempotency_key", "user__email", "action_id", "office_id", "outcome", "note"
        )
    )


@pytest.fixture
def demo(db, tmp_path):
    with override_settings(OFFICIALS_DATA_DIR=tmp_path / "no-public-data"):
        out = StringIO()
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_month_of_plausible_history(demo, client):
    assert "Demo history:" in demo
    chapter = Chapter.objects.get(slug="st-louis-callers")
    calls = CallLog.objects.filter(chapter=chapter)
    assert 200 <= calls.count() <= 800
    assert calls.values("user").distinct().count() >= 6
    days = {c.astimezone(chapter.zone).date() for c in calls.values_list("created_at", flat=True)}
    assert len(days) >= 25
    outcomes = Counter(calls.values_list("outcome", flat=True))
    assert {Outcome.REACHED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.SENT} <= set(outcomes)
    assert calls.values("action").distinct().count() == 2  # the letter and the call
    assert calls.exclude(note="").exists()
    call_day = CallDay.objects.get(chapter=chapter)
    assert call_day.day < dt.datetime.now(dt.UTC).astimezone(chapter.zone).date()
    assert tally_verify().differences == {}

    board = tally_dashboard(chapter_ids=[chapter.pk], tz=chapter.zone)
    assert board.total == calls.count()
    busiest = max(board.by_day, key=lambda row: row[1])[0]
    assert busiest == call_day.day  # the call day stands out
    lead = User.objects.get(email="lead@example.org")
    assert tally_impact(user=lead).total > 0
    client.force_login(lead)
    body = client.get(reverse("tallies:chapter_dashboard", args=[chapter.slug])).content.decode()
    assert "Call days" in body
    assert f"{call_day.day:%Y-%m-%d}" in body


def test_the_demo_calls_obey_the_calling_rules(demo):
    from campaigns.selectors import campaign_targets

    # Only the caller's own officials for each action (what their call page shows them).
    for user in User.objects.filter(call_logs__isnull=False).distinct():
        calls = CallLog.objects.filter(user=user)
        campaign = calls.first().campaign
        allowed = {
            (group.action.pk, target.office.pk)
            for group in campaign_targets(campaign=campaign, user=user).actions
            for target in group.targets
        }
        assert set(calls.values_list("action_id", "office_id")) <= allowed, user.email
    # At most 3 calls per caller, action and office in any 24 hours.
    rows = sorted(CallLog.objects.values_list("user_id", "action_id", "office_id", "created_at"))
    for i, (user, action, office, moment) in enumerate(rows):
        window = [
            r for r in rows[i : i + 4] if r[:3] == (user, action, office) and r[3] - moment < dt.timedelta(hours=24)
        ]
        assert len(window) <= 3
    # Letters are sent, calls have a phone outcome.
    for kind, outcome in CallLog.objects.values_list("action__kind", "outcome"):
        assert (outcome == Outcome.SENT) == (kind != "call")


def test_loading_again_changes_nothing_and_the_history_is_deterministic(demo, tmp_path):
    first = history()
    with override_settings(OFFICIALS_DATA_DIR=tmp_path / "no-public-data"):
        call_command("load_demo", stdout=StringIO())
    assert history() == first
    assert CallDay.objects.count() == 1

    # Loaded afresh, the same calls come out (by key, caller, action, office, outcome and note).
    CallLog.objects.all().delete()
    CallDay.objects.all().delete()
    from tallies.models import RollupState

    RollupState.objects.all().delete()
    for model in (
        "CampaignTally",
        "ChapterTally",
        "ChapterOfficeTally",
        "ChapterMemberTally",
        "DailyChapterTally",
        "DailyTally",
        "HourlyChapterTally",
    ):
        __import__("tallies.models", fromlist=[model]).__dict__[model].objects.all().delete()
    with override_settings(OFFICIALS_DATA_DIR=tmp_path / "no-public-data"):
        call_command("load_demo", stdout=StringIO())
    assert history() == first


def test_a_demo_lead_produces_downloads_and_shares_the_report_for_missouris_attorney_general(demo, client):
    from officials.models import Office, OfficeRole
    from tallies.models import OfficeReportShare
    from tallies.services import office_report_share_token

    chapter = Chapter.objects.get(slug="st-louis-callers")
    ag = Office.objects.get(role=OfficeRole.ATTORNEY_GENERAL, division__state="MO")
    campaign = CallLog.objects.filter(chapter=chapter, office=ag).first().campaign
    client.force_login(User.objects.get(email="lead@example.org"))
    report_url = reverse("tallies:chapter_office_report", args=[chapter.slug])

    chooser = client.get(report_url)
    assert campaign in chooser.context["campaigns"]
    assert ag in chooser.context["offices"]
    page = client.get(report_url, {"campaign": campaign.slug, "office": ag.pk})
    report = page.context["report"]
    assert report.constituents >= 5
    assert report.notes  # some demo callers chose to share their note
    assert any(note.signature for note in report.notes)
    pdf = client.get(
        reverse("tallies:chapter_office_report_format", args=[chapter.slug, "pdf"]),
        {"campaign": campaign.slug, "office": ag.pk},
    )
    assert pdf.content.startswith(b"%PDF")
    client.post(
        reverse("tallies:chapter_office_report_share", args=[chapter.slug]),
        {"campaign": campaign.slug, "office": ag.pk, "start": report.start, "end": report.end},
    )
    share = OfficeReportShare.objects.get()
    client.logout()
    shared = client.get(reverse("tallies:office_report_shared", args=[office_report_share_token(share)]))
    assert shared.status_code == 200
    assert f"{report.constituents} constituents called" in shared.content.decode()


def test_the_demo_history_gives_the_call_card_answer_rates(demo, client):
    from officials.models import Office, OfficeRole
    from tallies.selectors import tally_answer_rates

    ag = Office.objects.get(role=OfficeRole.ATTORNEY_GENERAL, division__state="MO")
    rates = tally_answer_rates(offices=[ag])[ag.pk]
    assert rates.overall.enough
    assert rates.numbers[0].calls > 0  # calls name the number dialled
    client.force_login(User.objects.get(email="lead@example.org"))
    campaign = CallLog.objects.filter(office=ag).first().campaign
    card = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert rates.overall.summary().split("–")[0] in card
    assert "Usually answered" in card
