"""Reads for rallying a chapter: who gets what, today's count, progress and results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import Chapter, Membership, User
from accounts.time_zones import local_today
from reminders.models import ReminderDelivery, ReminderKind
from tallies.models import CallLog

from .models import CallDay, CallNowMessage, DoNotInvite, Invitation

RECIPIENT_FIELDS = ("id", "email", "name", "time_zone", "reminder_frequency")


def _verified_members(*, chapter_id: int) -> QuerySet[User]:
    verified = EmailAddress.objects.filter(user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True)
    member = Membership.objects.filter(user_id=OuterRef("pk"), chapter_id=chapter_id)
    return User.objects.filter(is_active=True).filter(Exists(verified), Exists(member))


def call_day_recipients(*, call_day: CallDay) -> QuerySet[User]:
    """Members who get reminders (any choice but "never") with a verified address, by id."""
    return (
        _verified_members(chapter_id=call_day.chapter_id)
        .exclude(reminder_frequency=User.ReminderFrequency.NEVER)
        .only(*RECIPIENT_FIELDS)
        .order_by("pk")
    )


def call_now_recipients(*, chapter: Chapter, campaign, sender=None, include_sender: bool = False) -> QuerySet[User]:
    """Members who have not called in this campaign yet and take "call now" messages, by id.

    The lead who sends it (sender) is left out unless include_sender ("include me").
    """
    # "Has not called" is asked member by member, through the calls' (user, created_at) index, so
    # it costs a probe per member whatever the statistics say. As NOT EXISTS it became an anti-join
    # that the planner sized from statistics, and a campaign launched today has almost no calls in
    # those until the next ANALYZE: it rescanned all the campaign's calls once per member (a
    # 50,000-member chapter took 10-17 s of database CPU in bench/call_day.py, twice per message).
    # LIMIT keeps the subquery a per-row probe; `campaign_id + 0` keeps the planner off the
    # campaign index, whose estimate is the wrong one.
    called = (
        CallLog.objects.counted()
        .filter(user_id=OuterRef("pk"))
        .alias(campaign_of_call=F("campaign_id") + 0)
        .filter(campaign_of_call=campaign.pk)
        .order_by()
        .values("pk")[:1]
    )
    users = (
        _verified_members(chapter_id=chapter.pk)
        .filter(call_now_emails=True)
        .alias(a_call=Subquery(called))
        .filter(a_call__isnull=True)
    )
    if sender is not None and not include_sender:
        users = users.exclude(pk=sender.pk)
    return users.only(*RECIPIENT_FIELDS).order_by("pk")


def call_day_today(*, chapter: Chapter, campaign, now: dt.datetime | None = None) -> CallDay | None:
    """The campaign's call day for the chapter if today (in the chapter's zone) is one."""
    return CallDay.objects.filter(chapter=chapter, campaign=campaign, day=local_today(chapter.zone, now)).first()


def campaign_rally_blocks(*, campaign, user, now: dt.datetime | None = None) -> tuple[list, list]:
    """What the campaign page shows a member about rallying: (today's call days with their calls so
    far, [(chapter, its "call now" messages)] for the chapters the user leads).

    One query for a volunteer on an ordinary day: their memberships, each flagged if a call day is near.
    """
    if not user.is_authenticated:
        return [], []
    now = now or timezone.now()
    utc_today = now.astimezone(dt.UTC).date()
    near = CallDay.objects.filter(
        chapter_id=OuterRef("chapter_id"),
        campaign_id=campaign.pk,
        day__range=(utc_today - dt.timedelta(days=1), utc_today + dt.timedelta(days=1)),
    )
    memberships = Membership.objects.filter(user=user).select_related("chapter").annotate(call_day_near=Exists(near))
    if campaign.chapter_id is not None:
        memberships = memberships.filter(chapter_id=campaign.chapter_id)
    today, leads = [], []
    for membership in memberships:
        chapter = membership.chapter
        if membership.call_day_near:
            call_day = call_day_today(chapter=chapter, campaign=campaign, now=now)
            if call_day is not None:
                call_day.chapter = chapter
                today.append((call_day, call_day_calls_so_far(call_day=call_day)))
        if membership.is_lead:
            leads.append((chapter, call_now_list(chapter=chapter, campaign=campaign)))
    return today, leads


def call_day_calls_so_far(*, call_day: CallDay) -> int:
    """The chapter's calls in the campaign since the call day's local midnight: exact, from CallLog."""
    start, end = call_day.window(call_day.chapter.zone)
    return (
        CallLog.objects.filter(
            chapter_id=call_day.chapter_id, campaign_id=call_day.campaign_id, created_at__gte=start, created_at__lt=end
        ).aggregate(n=Sum("weight"))["n"]
        or 0
    )


@dataclass(frozen=True)
class CallDayTotal:
    day: dt.date
    campaign_title: str
    starts_at: dt.time
    ends_at: dt.time
    total: int


def call_day_totals(*, chapter: Chapter, date_range=None) -> list[CallDayTotal]:
    """Each call day of the chapter in the range with the chapter's calls to its campaign that (local) day.

    Two queries: the call days, then every day's total in one aggregate over CallLog.
    """
    days = CallDay.objects.filter(chapter=chapter).select_related("campaign").order_by("day", "id")
    if date_range is not None and date_range.start:
        days = days.filter(day__gte=date_range.start)
    if date_range is not None and date_range.end:
        days = days.filter(day__lte=date_range.end)
    days = list(days[:100])
    if not days:
        return []
    tz = chapter.zone
    filters = {}
    for call_day in days:
        start, end = call_day.window(tz)
        filters[f"d{call_day.pk}"] = Q(campaign_id=call_day.campaign_id, created_at__gte=start, created_at__lt=end)
    any_day = Q()
    for q in filters.values():
        any_day |= q
    counts = (
        CallLog.objects.filter(chapter_id=chapter.pk)
        .filter(any_day)
        .aggregate(**{name: Sum("weight", filter=q, default=0) for name, q in filters.items()})
    )
    return [
        CallDayTotal(
            day=cd.day,
            campaign_title=cd.campaign.title,
            starts_at=cd.starts_at,
            ends_at=cd.ends_at,
            total=counts.get(f"d{cd.pk}") or 0,
        )
        for cd in days
    ]


def call_day_list(*, chapter: Chapter, campaign) -> list[CallDay]:
    return list(CallDay.objects.filter(chapter=chapter, campaign=campaign).order_by("-day"))


@dataclass(frozen=True)
class Progress:
    recipients: int
    sent: int
    failed: int
    status: str
    status_label: str
    # Calls the members it was sent to have logged in the campaign since it was written (undone
    # calls left out), and how many of those members called.
    calls_since: int = 0
    callers_since: int = 0
    # Written in the last day: once sent, the page keeps counting the calls that follow, more slowly.
    recent: bool = False

    @property
    def left(self) -> int:
        return max(0, self.recipients - self.sent - self.failed)

    @property
    def finished(self) -> bool:
        return self.status in (CallNowMessage.Status.DONE, CallNowMessage.Status.FAILED)


def call_now_progress(*, message: CallNowMessage) -> Progress:
    """Sent and failed come from the ledger rows themselves, so the page shows what really went out."""
    deliveries = ReminderDelivery.objects.filter(kind=ReminderKind.CALL_NOW, key=message.ledger_key)
    counts = dict(deliveries.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    reached = deliveries.filter(status=ReminderDelivery.Status.SENT).values("user_id")
    calls = CallLog.objects.counted().filter(
        campaign_id=message.campaign_id, created_at__gte=message.created_at, user_id__in=reached
    )
    since = calls.aggregate(calls=Count("id"), callers=Count("user_id", distinct=True))
    return Progress(
        recipients=message.recipients,
        sent=counts.get(ReminderDelivery.Status.SENT, 0),
        failed=counts.get(ReminderDelivery.Status.FAILED, 0),
        status=message.status,
        status_label=message.get_status_display(),
        calls_since=since["calls"],
        callers_since=since["callers"],
        recent=message.created_at > timezone.now() - dt.timedelta(days=1),
    )


def call_now_list(*, chapter: Chapter, campaign) -> list[tuple[CallNowMessage, Progress]]:
    messages = list(CallNowMessage.objects.filter(chapter=chapter, campaign=campaign).order_by("-created_at")[:10])
    return [(m, call_now_progress(message=m)) for m in messages]


# A "call now" email is welcome between these local hours (offices are open, members awake).
CALL_NOW_HOURS = (dt.time(8, 0), dt.time(20, 0))


def call_now_outside_hours(*, chapter: Chapter, now: dt.datetime | None = None) -> dt.datetime | None:
    """The chapter's local time if it is outside CALL_NOW_HOURS (the preview warns), else None."""
    local = (now or timezone.now()).astimezone(chapter.zone)
    start, end = CALL_NOW_HOURS
    return None if start <= local.time() < end else local


def call_now_sent_today(*, chapter: Chapter, campaign, now: dt.datetime | None = None) -> CallNowMessage | None:
    return CallNowMessage.objects.filter(chapter=chapter, campaign=campaign, day=local_today(chapter.zone, now)).first()


def invitation_queryset(*, chapter: Chapter) -> QuerySet[Invitation]:
    return Invitation.objects.filter(chapter=chapter).order_by("-created_at", "-id")


def invitation_list(*, chapter: Chapter) -> list[Invitation]:
    return list(invitation_queryset(chapter=chapter)[:500])


def invitation_counts(*, chapter: Chapter) -> dict[str, int]:
    counts = dict(Invitation.objects.filter(chapter=chapter).values_list("status").annotate(n=Count("id")))
    return {value: counts.get(value, 0) for value, _ in Invitation.Status.choices}


def invitation_recent_keys(*, chapter: Chapter, keys: list[str], since: dt.datetime) -> set[str]:
    """Mailboxes invited to the chapter since then (a revoked invitation does not count)."""
    return set(
        Invitation.objects.filter(chapter=chapter, created_at__gte=since, email_key__in=keys)
        .exclude(status=Invitation.Status.REVOKED)
        .values_list("email_key", flat=True)
    )


def member_email_keys(*, chapter: Chapter, keys: list[str]) -> set[str]:
    return set(
        User.objects.filter(memberships__chapter=chapter, email_key__in=keys).values_list("email_key", flat=True)
    )


def do_not_invite_keys(*, keys: list[str]) -> set[str]:
    return set(DoNotInvite.objects.filter(email_key__in=keys).values_list("email_key", flat=True))


INVITATION_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Quota:
    """One 24-hour invitation allowance: the chapter's or the lead's, as of `now`.

    `counted` is [(created_at, n)] of the invitations in the window, oldest first: each group
    leaves the window 24 hours after it was sent, which is when room comes back.
    """

    scope: str  # "chapter" or "lead"
    limit: int
    used: int
    now: dt.datetime
    counted: tuple = ()

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def next_at(self) -> dt.datetime | None:
        """When room for one more comes back if none is left now (None: there is room now)."""
        return self.available_at(1) if self.remaining == 0 else None

    def available_at(self, count: int) -> dt.datetime | None:
        """When `count` more fit (now, if they do now); None if they never do (more than the limit)."""
        if count > self.limit:
            return None
        must_leave = self.used + count - self.limit
        if must_leave <= 0:
            return self.now
        left = 0
        for created_at, n in self.counted:
            left += n
            if left >= must_leave:
                return created_at + INVITATION_WINDOW
        return self.now + INVITATION_WINDOW


def _quota(scope: str, limit: int, invitations, now: dt.datetime) -> Quota:
    counted = tuple(
        invitations.filter(created_at__gt=now - INVITATION_WINDOW)
        .values("created_at")
        .annotate(n=Count("id"))
        .order_by("created_at")
        .values_list("created_at", "n")
    )
    return Quota(scope=scope, limit=limit, used=sum(n for _, n in counted), now=now, counted=counted)


def invitation_quotas(*, chapter: Chapter, user: User | None, now: dt.datetime | None = None):
    """(the chapter's allowance, the user's as a lead or None) over the last 24 hours. Every invitation
    created counts, whatever became of it: it was sent."""
    now = now or timezone.now()
    chapter_quota = _quota("chapter", chapter.invitations_per_day, Invitation.objects.filter(chapter=chapter), now)
    lead_quota = None
    if user is not None:
        lead_quota = _quota(
            "lead", settings.INVITATIONS_PER_LEAD_PER_DAY, Invitation.objects.filter(invited_by=user), now
        )
    return chapter_quota, lead_quota


def invitation_get(*, chapter: Chapter, invitation_id: int) -> Invitation | None:
    return Invitation.objects.filter(chapter=chapter, pk=invitation_id).first()
