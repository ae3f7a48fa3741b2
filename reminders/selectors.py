"""Reads for reminders: who gets which email, and what goes in a weekly digest.

Everything here works on a chunk of volunteers at a time with a fixed number of queries per
chunk, so a run's memory and query count per volunteer stay flat however many there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone

from accounts.models import Membership, User
from accounts.time_zones import week_start, zone
from campaigns.models import BilingualMixin, Campaign
from tallies.models import CallLog
from tallies.selectors import calls_by_week, weekly_streaks

# A campaign is "new" when it was published, or its start came, this recently. Runs every 10
# minutes announce it; the window only stops a first deploy (or a long outage) from announcing
# every campaign ever published.
NEW_CAMPAIGN_WINDOW = dt.timedelta(hours=48)
DIGEST_MAX_CAMPAIGNS = 8
RECIPIENT_FIELDS = ("id", "email", "name", "time_zone", "reminder_frequency")


def reminder_recipients(
    *, frequency: str, chapter_id: int | None = None, part: int = 0, parts: int = 1
) -> QuerySet[User]:
    """Active volunteers with this reminder choice whose login address is verified, by id.

    A chapter campaign is only for that chapter's members. `part` of `parts` (user id modulo
    parts) lets several workers share one run without overlapping.
    """
    verified = EmailAddress.objects.filter(user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    users = User.objects.filter(is_active=True, reminder_frequency=frequency).filter(Exists(verified))
    if chapter_id is not None:
        users = users.filter(Exists(Membership.objects.filter(user_id=OuterRef("pk"), chapter_id=chapter_id)))
    if parts > 1:
        users = users.alias(part=Mod("id", parts)).filter(part=part)
    return users.only(*RECIPIENT_FIELDS).order_by("pk")


def campaigns_to_announce(*, now: dt.datetime | None = None) -> list[Campaign]:
    """Active campaigns that became active within the window and have not been announced in full.

    "Became active" is the later of published_at and starts_at, so a campaign published with a
    future start is announced when it starts, not when it was published.
    """
    now = now or timezone.now()
    since = now - NEW_CAMPAIGN_WINDOW
    return list(
        Campaign.objects.active(now=now)
        .filter(published_at__isnull=False, published_at__lte=now)
        .filter(Q(published_at__gte=since) | Q(starts_at__gte=since))
        .filter(announcement__isnull=True)
        .select_related("chapter")
        .prefetch_related("actions")
        .order_by("published_at", "id")
    )


def week_start_for(moment: dt.datetime) -> dt.date:
    """The Monday (UTC) that names a digest week: every digest sent that week shares its key."""
    return week_start(moment.astimezone(dt.UTC).date())


@dataclass(frozen=True)
class DigestCampaign(BilingualMixin):
    id: int
    title: str
    slug: str
    summary: str
    chapter_id: int | None
    chapter_name: str
    title_es: str = ""
    summary_es: str = ""

    TRANSLATED_FIELDS = ("title", "summary")


@dataclass
class DigestEntry:
    open_campaigns: list[DigestCampaign] = field(default_factory=list)
    more_campaigns: int = 0
    calls_last_week: int = 0
    streak_weeks: int = 0
    called_this_week: bool = False


def digest_active_campaigns(*, now: dt.datetime) -> list[DigestCampaign]:
    """Every active campaign, newest first: read once per run, not once per volunteer."""
    rows = (
        Campaign.objects.active(now=now)
        .order_by("-published_at", "-id")
        .values_list("id", "title", "slug", "summary", "chapter_id", "chapter__name", "title_es", "summary_es")
    )
    return [
        DigestCampaign(i, t, s, summary, ch, ch_name or "", t_es, summary_es)
        for i, t, s, summary, ch, ch_name, t_es, summary_es in rows
    ]


def digest_entries(
    *, users: list[User], campaigns: list[DigestCampaign], now: dt.datetime
) -> dict[int, DigestEntry | None]:
    """The digest of each volunteer in the chunk, or None when no campaign is waiting for their call.

    Weeks start on Monday in each volunteer's own time zone, as on their impact page. Queries:
    memberships, campaigns called, and one per time zone present in the chunk for calls by week.
    """
    ids = [u.pk for u in users]
    chapter_ids = {c.chapter_id for c in campaigns if c.chapter_id}
    chapters_of: dict[int, set[int]] = defaultdict(set)
    if chapter_ids:
        for user_id, chapter_id in Membership.objects.filter(user_id__in=ids, chapter_id__in=chapter_ids).values_list(
            "user_id", "chapter_id"
        ):
            chapters_of[user_id].add(chapter_id)
    called: dict[int, set[int]] = defaultdict(set)
    if campaigns:
        for user_id, campaign_id in (
            CallLog.objects.counted()
            .filter(user_id__in=ids, campaign_id__in=[c.id for c in campaigns])
            .order_by()
            .values_list("user_id", "campaign_id")
            .distinct()
        ):
            called[user_id].add(campaign_id)

    by_zone: dict[str, list[int]] = defaultdict(list)
    for user in users:
        by_zone[user.zone.key].append(user.pk)
    weeks: dict[int, dict[dt.date, int]] = {}
    for zone_name, zone_ids in by_zone.items():
        weeks.update(calls_by_week(user_ids=zone_ids, tz=zone(zone_name)))

    entries: dict[int, DigestEntry | None] = {}
    for user in users:
        mine = chapters_of[user.pk]
        done = called[user.pk]
        waiting = [c for c in campaigns if (c.chapter_id is None or c.chapter_id in mine) and c.id not in done]
        if not waiting:
            entries[user.pk] = None
            continue
        this_week = week_start(now.astimezone(user.zone).date())
        user_weeks = weeks.get(user.pk, {})
        streak, _ = weekly_streaks(set(user_weeks), this_week=this_week)
        entries[user.pk] = DigestEntry(
            open_campaigns=waiting[:DIGEST_MAX_CAMPAIGNS],
            more_campaigns=max(0, len(waiting) - DIGEST_MAX_CAMPAIGNS),
            calls_last_week=user_weeks.get(this_week - dt.timedelta(weeks=1), 0),
            streak_weeks=streak,
            called_this_week=this_week in user_weeks,
        )
    return entries
