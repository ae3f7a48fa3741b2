"""'Call now' messages: a lead asks the chapter to call today; sent in chunks, with an unsubscribe link."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Chapter, User
from accounts.services import user_profile_update
from accounts.time_zones import local_today
from reminders.models import ReminderDelivery, ReminderKind
from reminders.services import Mailer, deliver

from .. import selectors
from ..models import CallNowMessage
from ..tokens import call_now_unsubscribe_token_make
from .common import RallyError, check_campaign

NOBODY_TO_SEND_TO = gettext_lazy(
    "Nobody would get this message: every member who takes “call now” emails has called in this campaign "
    "already. Nothing was sent, and today's message is still yours to send."
)


def _call_now_chunk_size() -> int:
    # Progress is recorded a chunk at a time: small chunks let a lead watching the page see it move.
    return max(1, int(getattr(settings, "RALLY_CALL_NOW_CHUNK_SIZE", 20)))


def call_now_create(
    *,
    chapter: Chapter,
    campaign,
    message: str,
    user: User | None = None,
    include_me: bool = False,
    now: dt.datetime | None = None,
) -> CallNowMessage:
    """Record a "call now" message and queue its sending. At most one per campaign, chapter and (local) day.

    The sending lead (user) gets it only with include_me. A message nobody would get is refused
    before anything is written, so it does not use up the day's one message.
    """
    from ..tasks import send_call_now_task

    check_campaign(chapter=chapter, campaign=campaign)
    message = (message or "").strip()
    if not message:
        raise RallyError(gettext("Write a short message first."))
    day = local_today(chapter.zone, now)
    recipients = selectors.call_now_recipients(
        chapter=chapter, campaign=campaign, sender=user, include_sender=include_me
    ).count()
    if recipients == 0:
        raise RallyError(NOBODY_TO_SEND_TO)
    try:
        with transaction.atomic():
            call_now = CallNowMessage.objects.create(
                chapter=chapter,
                campaign=campaign,
                day=day,
                message=message,
                recipients=recipients,
                created_by=user,
                include_sender=include_me,
            )
            transaction.on_commit(lambda: send_call_now_task.delay(message_id=call_now.pk))
    except IntegrityError as exc:
        raise RallyError(
            gettext(
                "A “call now” message went out for this campaign today already: one a day, so members keep "
                "reading them."
            )
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
    call_now = CallNowMessage.objects.select_related("chapter", "campaign", "created_by").get(pk=message_id)
    if call_now.status == CallNowMessage.Status.DONE:
        return call_now
    users = selectors.call_now_recipients(
        chapter=call_now.chapter,
        campaign=call_now.campaign,
        sender=call_now.created_by,
        include_sender=call_now.include_sender,
    )
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


# A message no run has claimed a recipient of for this long is stalled: its task was lost (a worker
# killed before it acknowledged the task, a broker restart). Chunks are small, so a live run claims
# well within it.
CALL_NOW_STALL = dt.timedelta(seconds=60)
# Older than this, a "call now" is not sent any more: it asked for calls that day.
CALL_NOW_RESUME_WINDOW = dt.timedelta(hours=12)


def call_now_resume_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Queue again each unfinished message with no progress for CALL_NOW_STALL; returns their ids.

    Harmless when a run is still alive: the ledger gives each recipient to one run only, and a
    run that finds the message DONE stops. Rows a killed run held stay at most once (the ledger's
    lease), so nobody gets the message twice.
    """
    from ..tasks import send_call_now_task

    now = now or timezone.now()
    unfinished = CallNowMessage.objects.filter(
        status__in=[CallNowMessage.Status.QUEUED, CallNowMessage.Status.SENDING],
        created_at__lt=now - CALL_NOW_STALL,
        created_at__gt=now - CALL_NOW_RESUME_WINDOW,
    )
    stalled = []
    for call_now in unfinished:
        progress = (
            ReminderDelivery.objects.filter(kind=ReminderKind.CALL_NOW, key=call_now.ledger_key)
            .order_by("-claimed_at")
            .values_list("claimed_at", flat=True)
            .first()
        )
        if progress is None or progress < now - CALL_NOW_STALL:
            stalled.append(call_now.pk)
    for message_id in stalled:
        send_call_now_task.delay(message_id=message_id)
    return stalled


def call_now_fail(*, message_id: int, error: str) -> None:
    CallNowMessage.objects.filter(pk=message_id).exclude(status=CallNowMessage.Status.DONE).update(
        status=CallNowMessage.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def call_now_unsubscribe(*, user: User) -> User:
    if not user.call_now_emails:
        return user
    return user_profile_update(user=user, call_now_emails=False)
