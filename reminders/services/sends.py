"""The two reminders (new campaigns, the weekly digest) and unsubscribing."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts.models import User
from accounts.services import user_profile_update
from campaigns.models import Campaign

from ..models import CampaignAnnouncement, ReminderKind
from ..selectors import (
    campaigns_to_announce,
    digest_active_campaigns,
    digest_entries,
    reminder_recipients,
    week_start_for,
)
from .ledger import CHUNK_SIZE, SENDERS, Builder, ReminderRun, deliver, reminders_fail_interrupted
from .mailer import Mailer

logger = logging.getLogger(__name__)


def new_campaign_builder(*, mailer: Mailer, campaign: Campaign) -> Builder:
    campaign_url = mailer.url(reverse("campaigns:detail", args=[campaign.slug]))
    actions = list(campaign.actions.all())

    def subject():
        return gettext("New campaign: %(title)s") % {"title": campaign.local.title}

    def build(users: list[User]) -> dict[int, EmailMultiAlternatives | None]:
        context = {"campaign": campaign, "campaign_url": campaign_url, "actions": actions}
        return {
            u.pk: mailer.message(
                user=u, subject=subject, template="new_campaign", context=context, cache_key=campaign.pk
            )
            for u in users
        }

    return build


def reminders_send_new_campaigns(
    *,
    now: dt.datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    senders: int = SENDERS,
    dry_run: bool = False,
) -> ReminderRun:
    """Email each volunteer who chose "when a new campaign starts" once per campaign that just became active.

    Which campaigns: see selectors.campaigns_to_announce. Who: reminder_frequency=new_campaigns,
    a verified login address, and for a chapter campaign membership of that chapter. A
    campaign whose emails have all been handed over is marked announced and skipped after.
    """
    now = now or timezone.now()
    run = ReminderRun(kind=ReminderKind.NEW_CAMPAIGN, dry_run=dry_run)
    if not dry_run:
        reminders_fail_interrupted(now=now)
    mailer = Mailer.create()
    for campaign in campaigns_to_announce(now=now):
        key = f"campaign:{campaign.pk}"
        part = deliver(
            kind=ReminderKind.NEW_CAMPAIGN,
            key=key,
            campaign_id=campaign.pk,
            users=reminder_recipients(frequency=User.ReminderFrequency.NEW_CAMPAIGNS, chapter_id=campaign.chapter_id),
            build=new_campaign_builder(mailer=mailer, campaign=campaign),
            chunk_size=chunk_size,
            senders=senders,
            dry_run=dry_run,
        )
        run.keys.append(key)
        run.add(part)
        if not dry_run:
            CampaignAnnouncement.objects.get_or_create(
                campaign=campaign, defaults={"completed_at": timezone.now(), "sent": part.sent}
            )
        logger.info("Announced %s: %s", campaign, part)
    return run


def digest_builder(*, mailer: Mailer, now: dt.datetime) -> Builder:
    campaigns = digest_active_campaigns(now=now)
    campaign_urls = {c.id: mailer.url(reverse("campaigns:detail", args=[c.slug])) for c in campaigns}
    impact_url = mailer.url(reverse("tallies:impact"))
    campaigns_url = mailer.url(reverse("campaigns:list"))

    def build(users: list[User]) -> dict[int, EmailMultiAlternatives | None]:
        messages: dict[int, EmailMultiAlternatives | None] = {}
        entries = digest_entries(users=users, campaigns=campaigns, now=now)
        for user in users:
            entry = entries[user.pk]
            if entry is None:
                messages[user.pk] = None
                continue
            n = len(entry.open_campaigns) + entry.more_campaigns

            def subject(n=n):
                return ngettext(
                    "%(count)s campaign waiting for your call this week",
                    "%(count)s campaigns waiting for your call this week",
                    n,
                ) % {"count": n}

            context = {
                "entry": entry,
                "campaigns": [(c, campaign_urls[c.id]) for c in entry.open_campaigns],
                "waiting": n,
                "impact_url": impact_url,
                "campaigns_url": campaigns_url,
            }
            cache_key = (
                tuple(c.id for c in entry.open_campaigns),
                entry.more_campaigns,
                entry.calls_last_week,
                entry.streak_weeks,
                entry.called_this_week,
            )
            messages[user.pk] = mailer.message(
                user=user, subject=subject, template="weekly_digest", context=context, cache_key=cache_key
            )
        return messages

    return build


def reminders_send_weekly_digest(
    *,
    week_start: dt.date | None = None,
    now: dt.datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    senders: int = SENDERS,
    part: int = 0,
    parts: int = 1,
    dry_run: bool = False,
) -> ReminderRun:
    """The weekly digest for volunteers who chose it: campaigns they have not called yet, calls last week, streak.

    One per volunteer per week (key "week:<Monday, UTC>"). A volunteer with no campaign left to
    call gets nothing that week (their row is SKIPPED). `part` of `parts` splits the volunteers
    by id between workers running at once (the task fans out this way).
    """
    if not 0 <= part < parts:
        raise ValueError(f"part {part} is not one of {parts} parts")
    now = now or timezone.now()
    week_start = week_start or week_start_for(now)
    if not dry_run:
        reminders_fail_interrupted(now=now)
    return deliver(
        kind=ReminderKind.WEEKLY_DIGEST,
        key=f"week:{week_start.isoformat()}",
        campaign_id=None,
        users=reminder_recipients(frequency=User.ReminderFrequency.WEEKLY, part=part, parts=parts),
        build=digest_builder(mailer=Mailer.create(), now=now),
        chunk_size=chunk_size,
        senders=senders,
        dry_run=dry_run,
    )


def reminders_unsubscribe(*, user: User) -> User:
    """Stop every reminder email for this volunteer (one-click links in the emails come here)."""
    if user.reminder_frequency == User.ReminderFrequency.NEVER:
        return user
    return user_profile_update(user=user, reminder_frequency=User.ReminderFrequency.NEVER)
