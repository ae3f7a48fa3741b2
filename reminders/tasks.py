"""Thin Celery tasks: each calls one service; retries and failure hooks live here, the logic in services.py."""

import datetime as dt
import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from .models import ReminderKind
from .selectors import week_start_for
from .services import (
    RETRYABLE_SEND_ERRORS,
    reminders_fail_unsent,
    reminders_send_new_campaigns,
    reminders_send_weekly_digest,
)

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def _countdown(retries: int) -> int:
    return 60 * 2**retries  # 1, 2, 4, 8, 16 minutes


def digest_parts() -> int:
    """How many tasks share a weekly digest: one per worker process is about right."""
    return max(1, int(getattr(settings, "REMINDERS_DIGEST_PARTS", 4)))


@shared_task(bind=True, name="reminders.send_new_campaigns", ignore_result=True, max_retries=MAX_RETRIES)
def send_new_campaigns_task(self):
    """Runs every 10 minutes from beat. Emails still unsent after the last retry wait for the next beat."""
    try:
        reminders_send_new_campaigns()
    except RETRYABLE_SEND_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc


@shared_task(name="reminders.send_weekly_digest", ignore_result=True)
def send_weekly_digest_task(week_start: str | None = None, parts: int | None = None):
    """Runs Mondays from beat: fans the digest out to `parts` tasks that workers run side by side.

    The week is fixed here, so every part (and every retry of it) uses the same key.
    """
    week = week_start or week_start_for(timezone.now()).isoformat()
    parts = parts or digest_parts()
    for part in range(parts):
        send_weekly_digest_part_task.delay(week_start=week, part=part, parts=parts)


class _DigestPartTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # No later beat covers this week's key, so what is still waiting is recorded as failed.
        # Never raise here: an error in Celery's failure handler stops the whole worker.
        try:
            reminders_fail_unsent(
                kind=ReminderKind.WEEKLY_DIGEST,
                key=f"week:{kwargs['week_start']}",
                error=str(exc),
                part=kwargs.get("part", 0),
                parts=kwargs.get("parts", 1),
            )
        except DatabaseError:
            logger.exception("could not record the failure of the digest for %s", kwargs.get("week_start"))


@shared_task(
    bind=True,
    base=_DigestPartTask,
    name="reminders.send_weekly_digest_part",
    ignore_result=True,
    max_retries=MAX_RETRIES,
)
def send_weekly_digest_part_task(self, *, week_start: str, part: int = 0, parts: int = 1):
    try:
        reminders_send_weekly_digest(week_start=dt.date.fromisoformat(week_start), part=part, parts=parts)
    except RETRYABLE_SEND_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc
