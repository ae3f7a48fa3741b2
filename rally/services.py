"""Writes for rallying a chapter: schedule call days, send their emails, "call now" messages, invitations.

Emails to volunteers go through the reminders ledger (reminders.services.deliver): one
ReminderDelivery row per volunteer and message, claimed before sending, so a rerun, a retry or
a second beat never sends the same one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Chapter, User
from accounts.services import chapter_join, user_profile_update
from accounts.time_zones import local_today, zone
from reminders.models import ReminderKind
from reminders.services import Mailer, TransientSendError, deliver, is_permanent, smtp_error

from . import selectors
from .models import CallDay, CallNowMessage, Invitation
from .tokens import call_now_unsubscribe_token_make, invitation_token_make

logger = logging.getLogger(__name__)


def _call_day_email_hour() -> int:
    """Volunteers get a call day's email from this hour, their local time, on the day (beat: every 15 minutes)."""
    return int(getattr(settings, "RALLY_CALL_DAY_EMAIL_HOUR", 8))


MAX_INVITATIONS = 500
INVITATION_VALID_FOR = dt.timedelta(days=14)
REINVITE_AFTER = dt.timedelta(days=30)


def _call_now_chunk_size() -> int:
    # Progress is recorded a chunk at a time: small chunks let a lead watching the page see it move.
    return max(1, int(getattr(settings, "RALLY_CALL_NOW_CHUNK_SIZE", 20)))


class RallyError(Exception):
    """A request the lead can fix (shown as a message, never a 500)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _check_campaign(*, chapter: Chapter, campaign) -> None:
    if campaign.chapter_id not in (None, chapter.pk):
        raise RallyError("That campaign belongs to another chapter.")


# ------------------------------------------------------------------------------
# Call days
# ------------------------------------------------------------------------------
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
    _check_campaign(chapter=chapter, campaign=campaign)
    if day < local_today(chapter.zone, now):
        raise RallyError("A call day can't be in the past.")
    if ends_at <= starts_at:
        raise RallyError("The call day must end after it starts.")
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
        raise RallyError(f"There is already a call day for this campaign on {day:%d %B %Y}.") from exc


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
        "zone_label": call_day.chapter.zone.key.replace("_", " "),
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


# ------------------------------------------------------------------------------
# "Call now"
# ------------------------------------------------------------------------------
def call_now_create(
    *, chapter: Chapter, campaign, message: str, user: User | None = None, now: dt.datetime | None = None
) -> CallNowMessage:
    """Record a "call now" message and queue its sending. At most one per campaign, chapter and (local) day."""
    from .tasks import send_call_now_task

    _check_campaign(chapter=chapter, campaign=campaign)
    message = (message or "").strip()
    if not message:
        raise RallyError("Write a short message first.")
    day = local_today(chapter.zone, now)
    recipients = selectors.call_now_recipients(chapter=chapter, campaign=campaign).count()
    try:
        with transaction.atomic():
            call_now = CallNowMessage.objects.create(
                chapter=chapter, campaign=campaign, day=day, message=message, recipients=recipients, created_by=user
            )
            transaction.on_commit(lambda: send_call_now_task.delay(message_id=call_now.pk))
    except IntegrityError as exc:
        raise RallyError(
            "A “call now” message went out for this campaign today already: one a day, so members keep reading them."
        ) from exc
    return call_now


def _call_now_builder(*, mailer: Mailer, call_now: CallNowMessage):
    campaign = call_now.campaign
    campaign_url = mailer.url(reverse("campaigns:detail", args=[campaign.slug]))

    def build(users):
        messages = {}
        for user in users:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                messages[user.pk] = _call_now_email(
                    mailer=mailer, call_now=call_now, user=user, campaign_url=campaign_url
                )
        return messages

    return build


def _call_now_email(*, mailer: Mailer, call_now: CallNowMessage, user, campaign_url: str) -> EmailMultiAlternatives:
    """One member's "call now" email, in the active language (the member's)."""
    campaign = call_now.campaign
    subject = gettext("%(chapter)s: please call today for %(title)s") % {
        "chapter": call_now.chapter.name,
        "title": campaign.local.title,
    }
    unsubscribe_url = mailer.url(
        reverse("rally:call_now_unsubscribe", args=[call_now_unsubscribe_token_make(user_id=user.pk)])
    )
    context = {
        "name": user.name or gettext("there"),
        "call_now": call_now,
        "campaign": campaign,
        "campaign_url": campaign_url,
        "profile_url": mailer.profile_url,
        "unsubscribe_url": unsubscribe_url,
        "site_name": mailer.site_name,
    }
    email = EmailMultiAlternatives(
        subject=f"[{mailer.site_name}] {subject}",
        body=render_to_string("rally/email/call_now.txt", context),
        from_email=mailer.from_email,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(render_to_string("rally/email/call_now.html", context), "text/html")
    return email


def call_now_send(*, message_id: int) -> CallNowMessage:
    """Send a "call now" message to the members who had not called when it was written (run by Celery)."""
    call_now = CallNowMessage.objects.select_related("chapter", "campaign").get(pk=message_id)
    if call_now.status == CallNowMessage.Status.DONE:
        return call_now
    users = selectors.call_now_recipients(chapter=call_now.chapter, campaign=call_now.campaign)
    # Who is due now: a member who called since the preview is left out, and "left" must reach 0.
    CallNowMessage.objects.filter(pk=call_now.pk).update(status=CallNowMessage.Status.SENDING, recipients=users.count())
    deliver(
        kind=ReminderKind.CALL_NOW,
        key=call_now.ledger_key,
        campaign_id=call_now.campaign_id,
        users=users,
        build=_call_now_builder(mailer=Mailer.create(), call_now=call_now),
        chunk_size=_call_now_chunk_size(),
        senders=1,
        dry_run=False,
    )
    CallNowMessage.objects.filter(pk=call_now.pk).update(status=CallNowMessage.Status.DONE, finished_at=timezone.now())
    call_now.refresh_from_db()
    return call_now


def call_now_fail(*, message_id: int, error: str) -> None:
    CallNowMessage.objects.filter(pk=message_id).exclude(status=CallNowMessage.Status.DONE).update(
        status=CallNowMessage.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def call_now_unsubscribe(*, user: User) -> User:
    if not user.call_now_emails:
        return user
    return user_profile_update(user=user, call_now_emails=False)


# ------------------------------------------------------------------------------
# Invitations
# ------------------------------------------------------------------------------
def _parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses, lowercased and without repeats, in order; invalid entries)."""
    seen, valid, invalid = set(), [], []
    for raw in text.replace(",", "\n").replace(";", "\n").split():
        address = raw.strip().strip("<>").lower()
        if not address or address in seen:
            continue
        seen.add(address)
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw[:100])
        else:
            valid.append(address)
    return valid, invalid


def invitations_create(*, chapter: Chapter, addresses: str, user: User | None = None, now=None) -> dict:
    """Invite each new address once; members and addresses invited in the last 30 days are skipped and listed.

    Returns {"invited": [...], "members": [...], "recent": [...], "invalid": [...]}.
    """
    from .tasks import send_invitations_task

    now = now or timezone.now()
    valid, invalid = _parse_addresses(addresses)
    if not valid and not invalid:
        raise RallyError("Paste at least one email address.")
    if len(valid) + len(invalid) > MAX_INVITATIONS:
        raise RallyError(f"At most {MAX_INVITATIONS} addresses at a time ({len(valid) + len(invalid)} pasted).")
    with transaction.atomic():
        # One lead at a time per chapter, so two pastes of the same list can't both invite.
        Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
        members = selectors.member_emails(chapter=chapter, emails=valid)
        recent = selectors.invitation_recent_emails(chapter=chapter, emails=valid, since=now - REINVITE_AFTER)
        to_invite = [a for a in valid if a not in members and a not in recent]
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    chapter=chapter, email=a, invited_by=user, created_at=now, expires_at=now + INVITATION_VALID_FOR
                )
                for a in to_invite
            ]
        )
        ids = [i.pk for i in created]
        if ids:
            transaction.on_commit(lambda: send_invitations_task.delay(invitation_ids=ids))
    return {
        "invited": to_invite,
        "members": [a for a in valid if a in members],
        "recent": [a for a in valid if a in recent and a not in members],
        "invalid": invalid,
    }


def invitations_send(*, invitation_ids: list[int]) -> int:
    """Send the invitations not sent yet over one SMTP connection; a 5xx refusal marks one bounced."""
    mailer = Mailer.create()
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, sent_at__isnull=True, status=Invitation.Status.PENDING)
        .select_related("chapter", "invited_by")
        .order_by("id")
    )
    if not invitations:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientSendError(smtp_error(exc)) from exc
    try:
        for invitation in invitations:
            url = mailer.url(
                reverse("rally:invitation_accept", args=[invitation_token_make(invitation_id=invitation.pk)])
            )
            context = {
                "invitation": invitation,
                "chapter": invitation.chapter,
                "inviter": invitation.invited_by.display_name if invitation.invited_by else invitation.chapter.name,
                "url": url,
                "site_name": mailer.site_name,
                "days": INVITATION_VALID_FOR.days,
            }
            # The invitee has no account yet: the email goes out in the inviting lead's language.
            inviter = invitation.invited_by
            with translation.override((inviter.language if inviter else "") or settings.LANGUAGE_CODE):
                email = EmailMultiAlternatives(
                    subject=f"[{mailer.site_name}] "
                    + gettext("You're invited to join %(chapter)s") % {"chapter": invitation.chapter.name},
                    body=render_to_string("rally/email/invitation.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[invitation.email],
                )
            try:
                connection.send_messages([email])
            except (smtplib.SMTPException, OSError) as exc:
                if is_permanent(exc):
                    Invitation.objects.filter(pk=invitation.pk).update(
                        status=Invitation.Status.BOUNCED, error=smtp_error(exc)[:2000]
                    )
                    continue
                raise TransientSendError(smtp_error(exc)) from exc
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            sent += 1
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Could not close the SMTP connection cleanly", exc_info=True)
    return sent


def invitation_accept(*, invitation_id: int, user: User, now=None) -> Invitation:
    """Use an invitation: once, before it expires. The user joins the chapter."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("chapter").filter(pk=invitation_id).first()
        if invitation is None:
            raise RallyError("This invitation link is not valid.")
        if invitation.status == Invitation.Status.JOINED:
            raise RallyError("This invitation has been used already. Ask the chapter's lead for a new one.")
        if invitation.expires_at <= now:
            raise RallyError("This invitation has expired. Ask the chapter's lead for a new one.")
        chapter_join(user=user, chapter=invitation.chapter)
        invitation.status = Invitation.Status.JOINED
        invitation.joined_at = now
        invitation.joined_user = user
        invitation.save(update_fields=["status", "joined_at", "joined_user"])
    return invitation


def invitation_check(*, invitation_id: int | None, now=None) -> Invitation:
    """The invitation if its link can still be used, else RallyError (for the page before Join)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("chapter").filter(pk=invitation_id).first()
    if invitation is None:
        raise RallyError("This invitation link is not valid.")
    if invitation.status == Invitation.Status.JOINED:
        raise RallyError("This invitation has been used already. Ask the chapter's lead for a new one.")
    if invitation.expires_at <= now:
        raise RallyError("This invitation has expired. Ask the chapter's lead for a new one.")
    return invitation
