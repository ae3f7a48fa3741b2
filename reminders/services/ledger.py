"""The reminders ledger: claim, send and record emails so that a rerun never sends one twice.

Every email to volunteers (reminders, and rally's call days and "call now") goes through
`deliver`; how it stays harmless to repeat is described in reminders/services/__init__.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone

from accounts.models import User
from advocacy import metrics
from advocacy.db import database_unreachable

from ..models import ReminderDelivery

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
SENDERS = 4  # SMTP connections open at once, one per chunk in flight
CLAIM_LEASE = dt.timedelta(minutes=30)
# How long a run waits for the database to come back (a restart) to write down what it already
# sent, or to give back a claim it never sent, before it gives up on them (they then stay SENDING:
# at most once). A PostgreSQL restart takes seconds.
DATABASE_BACK_SECONDS = 60
DATABASE_RETRY_PAUSE = 1.0
Status = ReminderDelivery.Status


class TransientSendError(Exception):
    """The mail server said "try later"; the run stopped and released the rows it had not sent."""


# What a send task retries: the mail server's "try later", and the database briefly unreachable
# (a restart). What went out is in the ledger, so a retry sends only the rest, each once.
RETRYABLE_SEND_ERRORS = (TransientSendError, OperationalError, InterfaceError)


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


def is_permanent(exc: Exception) -> bool:
    """A 5xx refusal of this one message or recipient. Anything else may work later."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def smtp_error(exc: Exception) -> str:
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


def _claim_chunk(
    *, kind: str, key: str, campaign_id: int | None, users: list[User], build: Builder, token: uuid.UUID
) -> _Chunk:
    """Render the emails of this chunk's volunteers nobody has sent or is sending, then take their rows.

    Rendering comes before the claim, and the claim is one transaction: if the database goes
    away meanwhile (a restart), nothing is left claimed-but-unsent for the next run to give up
    on, except when the COMMIT went through and its answer was lost; the caller then gives the
    rows of `token` back (_release_unsent). Once claimed, a chunk goes straight to its sender
    thread, which needs no database.
    """
    chunk = _Chunk(kind=kind, key=key, token=token, recipients=len(users))
    ids = [u.pk for u in users]
    taken = set(
        ReminderDelivery.objects.filter(kind=kind, key=key, user_id__in=ids)
        .exclude(status=Status.READY)
        .values_list("user_id", flat=True)
    )
    candidates = [u for u in users if u.pk not in taken]
    if not candidates:
        return chunk
    messages = build(candidates)
    now = timezone.now()
    with transaction.atomic():
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
                for u in candidates
            ],
            ignore_conflicts=True,
        )
        rows = ReminderDelivery.objects.filter(kind=kind, key=key, user_id__in=[u.pk for u in candidates])
        rows.filter(status=Status.READY).update(
            status=Status.SENDING, claim_token=chunk.token, claimed_at=now, attempts=F("attempts") + 1
        )
        claimed = dict(rows.filter(claim_token=chunk.token, status=Status.SENDING).values_list("user_id", "id"))
    # A row another run took between the read and the claim is that run's to send.
    chunk.deliveries = [(claimed[user_id], message) for user_id, message in messages.items() if user_id in claimed]
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
                    if is_permanent(exc):
                        chunk.failed[smtp_error(exc)].append(delivery_id)
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
        error=smtp_error(problem)[:2000] if problem else "Interrupted before sending",
    )
    run = ReminderRun(kind=chunk.kind, keys=[chunk.key])  # the caller counts recipients
    run.claimed = len(chunk.sent) + len(chunk.skipped) + sum(len(v) for v in chunk.failed.values())
    run.sent, run.skipped = len(chunk.sent), len(chunk.skipped)
    run.failed = run.claimed - run.sent - run.skipped
    metrics.emails_sent(kind=chunk.kind, sent=run.sent, failed=run.failed)
    return run


def _release_unsent(*, kind: str, key: str, token: uuid.UUID) -> None:
    """Give back the rows of a claim whose emails were never handed to a sender (its answer was lost)."""
    ReminderDelivery.objects.filter(claim_token=token, status=Status.SENDING, kind=kind, key=key).update(
        status=Status.READY, claim_token=None, error="Claimed as the database went away; not sent"
    )


def _when_the_database_is_back(write: Callable[[], object]):
    """Run an idempotent write; while the database cannot be reached (a restart), reconnect and try again.

    Why: a run that loses the database after its emails went out must still write down that they
    did, or the ledger (at most once) would give up on them as "maybe sent" and, for a claim whose
    answer was lost, never send them at all. Up to DATABASE_BACK_SECONDS; any other error, or a
    database that stays away, is raised.
    """
    db = connections[DEFAULT_DB_ALIAS]
    deadline = time.monotonic() + DATABASE_BACK_SECONDS
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError) as exc:
            # Inside a transaction nothing can be retried: it is lost with the connection.
            if db.in_atomic_block or not database_unreachable(exc) or time.monotonic() >= deadline:
                raise
            logger.warning("The database is unreachable; trying again: %s", exc)
            db.close()  # the next query opens a new connection
            time.sleep(DATABASE_RETRY_PAUSE)


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


def deliver(
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
        run.add(_when_the_database_is_back(lambda: _record_chunk(done)))
        if problem is None and (done.stopped or done.crashed):
            problem = done.crashed or done.stopped

    def claim(users_chunk: list[User]) -> _Chunk:
        token = uuid.uuid4()
        try:
            return _claim_chunk(
                kind=kind, key=key, campaign_id=campaign_id, users=users_chunk, build=build, token=token
            )
        except (OperationalError, InterfaceError) as exc:
            if database_unreachable(exc):  # the claim may have committed: nothing of it was sent
                _when_the_database_is_back(lambda: _release_unsent(kind=kind, key=key, token=token))
            raise

    with ThreadPoolExecutor(max_workers=senders, thread_name_prefix="reminders-smtp") as pool:
        try:
            for users_chunk in users_iter:
                claimed = claim(users_chunk)
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
        raise TransientSendError(smtp_error(problem)) from problem
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
