"""A volunteer's own calls: "My impact", the weekly streak, and their calls in "Download my data"."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.time_zones import week_start

from ..models import (
    CallLog,
    Outcome,
)


@dataclass
class Impact:
    total: int = 0
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_campaign: list[dict] = field(default_factory=list)
    streak_weeks: int = 0  # consecutive weeks with a call, up to this week (or last, if none yet this week)
    longest_streak_weeks: int = 0
    called_this_week: bool = False
    week_start: dt.date | None = None


def tally_impact(*, user, today: dt.date | None = None) -> Impact:
    """The volunteer's own calls by outcome and campaign, and their weekly streak.

    Read from their own CallLog rows through the (user, created_at) index, so exact at once:
    one volunteer's calls are few, and weeks start on Monday in their own time zone, which
    UTC-day rollups could not give.
    """
    from campaigns.models import Campaign

    rows = [
        (row["campaign_id"], row["outcome"], row["n"])
        for row in CallLog.objects.filter(user=user)
        .order_by()
        .values("campaign_id", "outcome")
        .annotate(n=Sum("weight"))
        if row["n"]
    ]
    impact = Impact()
    outcome_counts: dict[str, int] = defaultdict(int)
    campaign_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for campaign_id, outcome, n in rows:
        outcome_counts[outcome] += n
        campaign_counts[campaign_id][outcome] += n
    impact.total = sum(outcome_counts.values())
    impact.by_outcome = [(value, label, outcome_counts.get(value, 0)) for value, label in Outcome.choices]
    campaigns = Campaign.objects.filter(pk__in=list(campaign_counts)).only("id", "title", "slug")
    impact.by_campaign = sorted(
        (
            {"campaign": c, "n": sum(campaign_counts[c.pk].values()), "by_outcome": dict(campaign_counts[c.pk])}
            for c in campaigns
        ),
        key=lambda r: (-r["n"], r["campaign"].title),
    )

    tz = user.zone
    weeks = set(calls_by_week(user_ids=[user.pk], tz=tz).get(user.pk, {}))
    this_week = week_start(today or timezone.now().astimezone(tz).date())
    impact.week_start = this_week
    impact.called_this_week = this_week in weeks
    impact.streak_weeks, impact.longest_streak_weeks = weekly_streaks(weeks, this_week=this_week)
    return impact


def calls_by_week(*, user_ids: list[int], tz) -> dict[int, dict[dt.date, int]]:
    """Each volunteer's calls per week (the Monday that starts it, in tz): one query.

    The one reading of "a volunteer's weeks", for "My impact" and the weekly digest.
    """
    weeks: dict[int, dict[dt.date, int]] = defaultdict(dict)
    rows = (
        CallLog.objects.filter(user_id__in=user_ids)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .order_by()
        .values_list("user_id", "week")
        .annotate(n=Sum("weight"))
    )
    for user_id, week, n in rows:
        if not n:  # every call of that week was undone
            continue
        weeks[user_id][week.astimezone(tz).date() if isinstance(week, dt.datetime) else week] = n
    return weeks


def weekly_streaks(weeks: set[dt.date], *, this_week: dt.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive Monday-start weeks. This week not called yet keeps the streak alive."""
    step = dt.timedelta(weeks=1)
    current = 0
    week = this_week if this_week in weeks else this_week - step
    while week in weeks:
        current += 1
        week -= step
    longest = 0
    for week in weeks:
        if week - step in weeks:
            continue
        run = 0
        while week in weeks:
            run += 1
            week += step
        longest = max(longest, run)
    return current, longest


def calls_for_data_export(*, user) -> list[dict]:
    """The volunteer's own calls with their notes, for "Download my data" (see accounts.data_export)."""
    from accounts.data_export import when

    return [
        {
            "id": c.pk,
            "campaign": c.campaign.slug,
            "action": c.action_id,
            "office": str(c.office),
            "official": c.person.name if c.person else None,
            "outcome": c.outcome,
            "note": c.note,
            "source": c.source,
            "client_timestamp": when(c.client_timestamp),
            "created_at": when(c.created_at),
        }
        for c in CallLog.objects.counted()
        .filter(user=user)
        .select_related("campaign", "office", "person")
        .order_by("created_at", "id")
    ]
