"""Call days: a lead schedules one, and each volunteer gets its email on the day, at their local hour."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext

from accounts.models import Chapter, User
from accounts.time_zones import local_today, zone, zone_display_name
from reminders.models import ReminderKind
from reminders.services import Mailer, deliver

from .. import selectors
from ..models import CallDay
from .common import RallyError, check_campaign


def _call_day_email_hour() -> int:
    """Volunteers get a call day's email from this hour, their local time, on the day (beat: every 15 minutes)."""
    return int(getattr(settings, "RALLY_CALL_DAY_EMAIL_HOUR", 8))


def call_day_schedule(
    *,
    chapter: Chapter,
    campaign,
    day: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    message: str = "",
    user: User | None = None,
    now: dt.datetime | None = None,
) -> CallDay:
    """Plan a call day in the chapter's zone. One per campaign, chapter and day; not in the past."""
    check_campaign(chapter=chapter, campaign=campaign)
    if day < local_today(chapter.zone, now):
        raise RallyError(gettext("A call day can't be in the past."))
    if ends_at <= starts_at:
        raise RallyError(gettext("The call day must end after it starts."))
    try:
        with transaction.atomic():
            return CallDay.objects.create(
                chapter=chapter,
                campaign=campaign,
                day=day,
                starts_at=starts_at,
                ends_at=ends_at,
                message=message.strip(),
                created_by=user,
            )
    except IntegrityError as exc:
        raise RallyError(
            gettext("There is already a call day for this campaign on %(date)s.")
            % {"date": date_format(day, "DATE_FORMAT")}
        ) from exc


def _call_day_builder(*, mailer: Mailer, call_day: CallDay):
    campaign = call_day.campaign
    campaign_url = mailer.url(reverse("campaigns:detail", args=[campaign.slug]))

    def subject():
        return gettext("Today is %(chapter)s's call day: %(title)s") % {
            "chapter": call_day.chapter.name,
            "title": campaign.local.title,
        }

    context = {
        "call_day": call_day,
        "campaign": campaign,
        "campaign_url": campaign_url,
        # Named when each recipient's email is rendered, in that recipient's language.
        "zone_label": lazy(zone_display_name, str)(call_day.chapter.zone.key),
    }

    def build(users):
        return {
            u.pk: mailer.message(user=u, subject=subject, template="call_day", context=context, cache_key=call_day.pk)
            for u in users
        }

    return build


def call_days_send_emails(*, now: dt.datetime | None = None) -> int:
    """Email the members of every chapter with a call day today, once each, from the morning of their own day.

    Run every 15 minutes from beat. A volunteer is due when, in their own time zone, it is the
    call day's date and 08:00 (RALLY_CALL_DAY_EMAIL_HOUR) or later; the ledger key "call_day:<id>" makes
    every later run (or a second beat) skip them.
    """
    now = now or timezone.now()
    utc_today = now.astimezone(dt.UTC).date()
    days = CallDay.objects.filter(day__range=(utc_today - dt.timedelta(days=1), utc_today + dt.timedelta(days=1)))
    sent = 0
    hour = _call_day_email_hour()
    mailer = Mailer.create()
    for call_day in days.select_related("chapter", "campaign"):
        recipients = selectors.call_day_recipients(call_day=call_day)
        zones = set(recipients.order_by().values_list("time_zone", flat=True).distinct())
        due = []
        for name in zones:
            local = now.astimezone(zone(name))
            if local.date() == call_day.day and local.hour >= hour:
                due.append(name)
        if not due:
            continue
        run = deliver(
            kind=ReminderKind.CALL_DAY,
            key=f"call_day:{call_day.pk}",
            campaign_id=call_day.campaign_id,
            users=recipients.filter(time_zone__in=due),
            build=_call_day_builder(mailer=mailer, call_day=call_day),
            chunk_size=500,
            senders=2,
            dry_run=False,
        )
        sent += run.sent
    return sent
