"""Writes for reminders: claim, render, send and record reminder emails.

How a run stays harmless to repeat (see reminders/models.py):

1. Volunteers are read in id order, a chunk at a time (`.iterator(chunk_size=...)`).
2. For each chunk, one INSERT ... ON CONFLICT DO NOTHING creates the chunk's "already sent"
   rows as SENDING with this chunk's claim token; rows that exist already (sent by an earlier
   run, or being sent by a concurrent one) are left alone. Rows an earlier run released after
   a transient SMTP error (READY) are taken over by one UPDATE. The rows carrying our token
   are ours alone: only they are rendered and sent.
3. The chunk's emails go over ONE SMTP connection, in a sender thread, while the main thread
   claims and renders the next chunks (at most SENDERS chunks in flight); then one UPDATE per
   outcome records them. Only the main thread touches the database.
4. A transient SMTP error (connection refused or lost, a 4xx reply) stops the run: what was
   sent is recorded, the rest of the chunk goes back to READY, and TransientSendError tells
   the Celery task to retry with a countdown. A permanent refusal of one recipient (5xx) marks
   that row FAILED with the server's reply and carries on.
5. A run killed mid-chunk leaves SENDING rows; the next run marks those older than
   CLAIM_LEASE as FAILED rather than sending them again, because some may have been sent.
   At most once is the promise: nobody gets the same reminder twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, QuerySet
from django.db.models.functions import Mod
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext, ngettext

from accounts.models import User
from accounts.services import user_profile_update
from campaigns.models import Campaign

from .models import CampaignAnnouncement, ReminderDelivery, ReminderKind
from .selectors import (
    campaigns_to_announce,
    digest_active_campaigns,
    digest_entries,
    reminder_recipients,
    week_start_for,
)
from .tokens import unsubscribe_token_make

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
SENDERS = 4  # SMTP connections open at once, one per chunk in flight
CLAIM_LEASE = dt.timedelta(minutes=30)
# Placeholders for what differs per volunteer in a cached body: no character that HTML escaping changes.
_NAME = "@@reminders-name-7f3a@@"
_UNSUBSCRIBE = "@@reminders-unsubscribe-7f3a@@"
_BODY_CACHE_SIZE = 512
Status = ReminderDelivery.Status


class TransientSendError(Exception):
    """The mail server said "try later"; the run stopped and released the rows it had not sent."""


@dataclass
class ReminderRun:
    kind: str
    keys: list[str] = field(default_factory=list)
    dry_run: bool = False
    recipients: int = 0  # eligible volunteers seen
    claimed: int = 0  # rows this run took (not sent before, not taken by another run)
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: ReminderRun) -> None:
        for name in ("recipients", "claimed", "sent", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def __str__(self) -> str:
        verb = "would claim" if self.dry_run else "claimed"
        return (
            f"{self.kind} {', '.join(self.keys) or '(nothing due)'}: {self.recipients} eligible, "
            f"{verb} {self.claimed}, sent {self.sent}, failed {self.failed}, skipped {self.skipped}"
        )


# ------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------
@dataclass
class _Mailer:
    """What every email of a run shares, computed once per run."""

    base_url: str
    site_name: str
    from_email: str
    profile_url: str
    unsubscribe_path: str  # with TOKEN where the token goes
    templates: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)

    @classmethod
    def create(cls) -> _Mailer:
        base_url = getattr(settings, "REMINDERS_BASE_URL", "") or _site_url()
        return cls(
            base_url=base_url.rstrip("/"),
            site_name=settings.SITE_NAME,
            from_email=settings.DEFAULT_FROM_EMAIL,
            profile_url=base_url.rstrip("/") + reverse("profile"),
            unsubscribe_path=reverse("reminders:unsubscribe", args=["TOKEN"]),
        )

    def template(self, name: str):
        # Loaded once per run: with DEBUG on there is no cached loader, and parsing per email is slow.
        if name not in self.templates:
            self.templates[name] = get_template(f"reminders/email/{name}")
        return self.templates[name]

    def url(self, path: str) -> str:
        return self.base_url + path

    def _bodies(self, *, template: str, context: dict, frequency: str, cache_key) -> tuple[str, str]:
        """The text and HTML bodies with placeholders where the name and unsubscribe link go.

        Rendering is the costliest step of a send, and most volunteers' emails differ only in
        those two, so bodies are cached per run by what else they show (`cache_key`).
        """
        key = (translation.get_language(), template, frequency, cache_key)
        if cache_key is None or key not in self.bodies:
            context = {
                **context,
                "greeting_name": _NAME,
                "frequency_label": dict(User.ReminderFrequency.choices).get(frequency, frequency),
                "site_name": self.site_name,
                "base_url": self.base_url,
                "profile_url": self.profile_url,
                "unsubscribe_url": _UNSUBSCRIBE,
            }
            bodies = (
                self.template(f"{template}.txt").render(context),
                self.template(f"{template}.html").render(context),
            )
            if cache_key is None:
                return bodies
            if len(self.bodies) >= _BODY_CACHE_SIZE:
                self.bodies.clear()  # bounded, so memory stays flat whatever the variety
            self.bodies[key] = bodies
        return self.bodies[key]

    def message(self, *, user: User, subject, template: str, context: dict, cache_key=None) -> EmailMultiAlternatives:
        """One volunteer's email, in their language. Pass cache_key only if `context` is fully described by it.

        `subject` is a string or a callable that makes one, called in the volunteer's language.
        """
        with translation.override(user.language or settings.LANGUAGE_CODE):
            return self._message(user=user, subject=subject, template=template, context=context, cache_key=cache_key)

    def _message(self, *, user: User, subject, template: str, context: dict, cache_key) -> EmailMultiAlternatives:
        if callable(subject):
            subject = subject()
        unsubscribe_url = self.url(self.unsubscribe_path.replace("TOKEN", unsubscribe_token_make(user_id=user.pk)))
        text, html = self._bodies(
            template=template, context=context, frequency=user.reminder_frequency, cache_key=cache_key
        )
        name = user.name or gettext("there")
        message = EmailMultiAlternatives(
            subject=f"[{self.site_name}] {subject}",
            body=text.replace(_NAME, name).replace(_UNSUBSCRIBE, unsubscribe_url),
            from_email=self.from_email,
            to=[user.email],
            headers={
                # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        html = html.replace(_NAME, conditional_escape(name)).replace(_UNSUBSCRIBE, conditional_escape(unsubscribe_url))
        message.attach_alternative(html, "text/html")
        return message


def _site_url() -> str:
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{Site.objects.get_current().domain}"


# ------------------------------------------------------------------------------
# Sending one chunk
# ------------------------------------------------------------------------------
def _is_permanent(exc: Exception) -> bool:
    """A 5xx refusal of this one message or recipient. Anything else may work later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def _smtp_error(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {msg}"
    return f"{type(exc).__name__}: {exc}"


def _chunks(users: Iterable[User], size: int) -> Iterator[list[User]]:
    chunk: list[User] = []
    for user in users:
        chunk.append(user)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Builder = Callable[[list[User]], dict[int, EmailMultiAlternatives | None]]


@dataclass
class _Chunk:
    """One chunk's claimed rows and rendered emails, between the main thread and a sender thread."""

    kind: str
    key: str
    token: uuid.UUID
    recipients: int
    deliveries: list[tuple[int, EmailMultiAlternatives | None]] = field(default_factory=list)  # (delivery id, email)
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    stopped: Exception | None = None  # a transient SMTP error: the rest of the chunk waits for a retry
    crashed: BaseException | None = None  # anything else: recorded, then raised


def _claim_chunk(*, kind: str, key: str, campaign_id: int | None, users: list[User], build: Builder) -> _Chunk:
    """Take this chunk's rows that nobody has sent or is sending, and render their emails."""
    chunk = _Chunk(kind=kind, key=key, token=uuid.uuid4(), recipients=len(users))
    now = timezone.now()
    ids = [u.pk for u in users]
    ReminderDelivery.objects.bulk_create(
        [
            ReminderDelivery(
                user_id=u.pk,
                kind=kind,
                key=key,
                campaign_id=campaign_id,
                email=u.email,
                status=Status.SENDING,
                claim_token=chunk.token,
                claimed_at=now,
                attempts=1,
                created_at=now,
            )
            for u in users
        ],
        ignore_conflicts=True,
    )
    rows = ReminderDelivery.objects.filter(kind=kind, key=key, user_id__in=ids)
    rows.filter(status=Status.READY).update(
        status=Status.SENDING, claim_token=chunk.token, claimed_at=now, attempts=F("attempts") + 1
    )
    claimed = dict(rows.filter(claim_token=chunk.token, status=Status.SENDING).values_list("user_id", "id"))
    if claimed:
        try:
            messages = build([u for u in users if u.pk in claimed])
        except Exception as exc:
            chunk.crashed = exc
            _record_chunk(chunk)
            raise
        chunk.deliveries = [(claimed[user_id], message) for user_id, message in messages.items()]
    return chunk


def _send_chunk(chunk: _Chunk) -> _Chunk:
    """Send a chunk's emails over ONE SMTP connection. Runs in a sender thread: no database here."""
    try:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            chunk.stopped = exc
            return chunk
        try:
            for delivery_id, message in chunk.deliveries:
                if message is None:
                    chunk.skipped.append(delivery_id)
                    continue
                try:
                    connection.send_messages([message])
                except (smtplib.SMTPException, OSError) as exc:
                    if _is_permanent(exc):
                        chunk.failed[_smtp_error(exc)].append(delivery_id)
                        continue
                    chunk.stopped = exc
                    break
                chunk.sent.append(delivery_id)
        finally:
            try:
                connection.close()
            except (smtplib.SMTPException, OSError):
                logger.warning("Could not close the SMTP connection cleanly", exc_info=True)
    except Exception as exc:  # noqa: BLE001 - handed to the main thread, which records and raises it
        chunk.crashed = exc
    finally:
        chunk.deliveries = []  # the rendered emails are not needed any more
    return chunk


def _record_chunk(chunk: _Chunk) -> ReminderRun:
    """One UPDATE per outcome; what is still claimed by this chunk was not sent and is released."""
    done_at = timezone.now()
    ReminderDelivery.objects.filter(id__in=chunk.sent).update(
        status=Status.SENT, sent_at=done_at, claim_token=None, error=""
    )
    ReminderDelivery.objects.filter(id__in=chunk.skipped).update(status=Status.SKIPPED, claim_token=None)
    for error, delivery_ids in chunk.failed.items():
        ReminderDelivery.objects.filter(id__in=delivery_ids).update(
            status=Status.FAILED, claim_token=None, error=error[:2000]
        )
    problem = chunk.stopped or chunk.crashed
    ReminderDelivery.objects.filter(
        claim_token=chunk.token, status=Status.SENDING, kind=chunk.kind, key=chunk.key
    ).update(
        status=Status.READY,
        claim_token=None,
        error=_smtp_error(problem)[:2000] if problem else "Interrupted before sending",
    )
    run = ReminderRun(kind=chunk.kind, keys=[chunk.key])  # the caller counts recipients
    run.claimed = len(chunk.sent) + len(chunk.skipped) + sum(len(v) for v in chunk.failed.values())
    run.sent, run.skipped = len(chunk.sent), len(chunk.skipped)
    run.failed = run.claimed - run.sent - run.skipped
    return run


def _dry_run_chunk(*, kind: str, key: str, users: list[User], build: Builder) -> ReminderRun:
    run = ReminderRun(kind=kind, keys=[key], recipients=len(users), dry_run=True)
    taken = set(
        ReminderDelivery.objects.filter(kind=kind, key=key, user_id__in=[u.pk for u in users])
        .exclude(status=Status.READY)
        .values_list("user_id", flat=True)
    )
    due = [u for u in users if u.pk not in taken]
    run.claimed = len(due)
    messages = build(due) if due else {}
    run.skipped = sum(1 for m in messages.values() if m is None)
    return run


def _deliver(
    *,
    kind: str,
    key: str,
    campaign_id: int | None,
    users: QuerySet,
    build: Builder,
    chunk_size: int,
    senders: int,
    dry_run: bool,
) -> ReminderRun:
    """Claim and render chunks in this thread while up to `senders` earlier chunks are being sent.

    The database is only touched from this thread. Rendering is CPU work and sending is mostly
    waiting for the mail server, so overlapping them, with one SMTP connection per chunk in
    flight, is what makes 100,000 emails fit in minutes. At most `senders` rendered chunks are
    held at once, so memory stays flat.
    """
    run = ReminderRun(kind=kind, keys=[key], dry_run=dry_run)
    users_iter = _chunks(users.iterator(chunk_size=chunk_size), chunk_size)
    if dry_run:
        for chunk in users_iter:
            run.add(_dry_run_chunk(kind=kind, key=key, users=chunk, build=build))
        return run

    problem: BaseException | None = None
    in_flight: deque[Future[_Chunk]] = deque()

    def settle_oldest() -> None:
        nonlocal problem
        done = in_flight.popleft().result()
        run.add(_record_chunk(done))
        if problem is None and (done.stopped or done.crashed):
            problem = done.crashed or done.stopped

    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="reminders-smtp") as pool:
        try:
            for users_chunk in users_iter:
                claimed = _claim_chunk(kind=kind, key=key, campaign_id=campaign_id, users=users_chunk, build=build)
                run.recipients += claimed.recipients
                if claimed.deliveries:
                    in_flight.append(pool.submit(_send_chunk, claimed))
                while len(in_flight) >= senders or (in_flight and in_flight[0].done()):
                    settle_oldest()
                if problem is not None:
                    break
        finally:
            while in_flight:
                settle_oldest()
    if isinstance(problem, smtplib.SMTPException | OSError):
        raise TransientSendError(_smtp_error(problem)) from problem
    if problem is not None:
        raise problem
    return run


def reminders_fail_interrupted(*, now: dt.datetime | None = None) -> int:
    """Mark rows a killed run left SENDING as FAILED: some may have gone out, so none is resent."""
    cutoff = (now or timezone.now()) - CLAIM_LEASE
    return ReminderDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff).update(
        status=Status.FAILED,
        claim_token=None,
        error="Interrupted while sending; not retried, so that nobody gets it twice.",
    )


def reminders_fail_unsent(*, kind: str, key: str, error: str, part: int = 0, parts: int = 1) -> int:
    """After the last retry: what is still waiting for this kind and key (and part) will not be sent."""
    rows = ReminderDelivery.objects.filter(kind=kind, key=key, status=Status.READY)
    if parts > 1:
        rows = rows.alias(part=Mod("user_id", parts)).filter(part=part)
    return rows.update(status=Status.FAILED, error=f"Gave up after retries: {error}"[:2000])


# ------------------------------------------------------------------------------
# The two reminders
# ------------------------------------------------------------------------------
def _new_campaign_builder(*, mailer: _Mailer, campaign: Campaign) -> Builder:
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
    mailer = _Mailer.create()
    for campaign in campaigns_to_announce(now=now):
        key = f"campaign:{campaign.pk}"
        part = _deliver(
            kind=ReminderKind.NEW_CAMPAIGN,
            key=key,
            campaign_id=campaign.pk,
            users=reminder_recipients(frequency=User.ReminderFrequency.NEW_CAMPAIGNS, chapter_id=campaign.chapter_id),
            build=_new_campaign_builder(mailer=mailer, campaign=campaign),
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


def _digest_builder(*, mailer: _Mailer, now: dt.datetime) -> Builder:
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
    return _deliver(
        kind=ReminderKind.WEEKLY_DIGEST,
        key=f"week:{week_start.isoformat()}",
        campaign_id=None,
        users=reminder_recipients(frequency=User.ReminderFrequency.WEEKLY, part=part, parts=parts),
        build=_digest_builder(mailer=_Mailer.create(), now=now),
        chunk_size=chunk_size,
        senders=senders,
        dry_run=dry_run,
    )


def reminders_unsubscribe(*, user: User) -> User:
    """Stop every reminder email for this volunteer (one-click links in the emails come here)."""
    if user.reminder_frequency == User.ReminderFrequency.NEVER:
        return user
    return user_profile_update(user=user, reminder_frequency=User.ReminderFrequency.NEVER)
