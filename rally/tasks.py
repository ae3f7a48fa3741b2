"""Thin Celery tasks: each calls one service."""

import logging

from celery import Task, shared_task
from django.db import DatabaseError

from advocacy import metrics
from reminders.services import RETRYABLE_SEND_ERRORS, TransientSendError

from .services import (
    call_days_send_emails,
    call_now_fail,
    call_now_resume_stalled,
    call_now_send,
    invitation_limit_alert_send,
    invitations_send,
)

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def _countdown(retries: int) -> int:
    return 30 * 2**retries


@shared_task(name="rally.send_call_day_emails", ignore_result=True)
def send_call_day_emails_task():
    """Runs every 15 minutes from beat; what a transient SMTP error left unsent goes on the next run."""
    try:
        call_days_send_emails()
    except TransientSendError:
        pass


class _CallNowTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Never raise here: an error in Celery's failure handler stops the whole worker.
        try:
            call_now_fail(message_id=kwargs["message_id"], error=str(exc))
        except DatabaseError:
            logger.exception("could not record the failure of call now #%s", kwargs.get("message_id"))


@shared_task(bind=True, base=_CallNowTask, name="rally.send_call_now", ignore_result=True, max_retries=MAX_RETRIES)
def send_call_now_task(self, *, message_id: int):
    try:
        call_now_send(message_id=message_id)
    except RETRYABLE_SEND_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc


@shared_task(name="rally.resume_call_now", ignore_result=True)
def resume_call_now_task():
    """Runs every 30 seconds from beat: a "call now" whose task was lost (a killed worker) is queued again."""
    resumed = call_now_resume_stalled()
    if resumed:
        logger.warning("call now resumed after a stall: %s", resumed)


@shared_task(bind=True, name="rally.send_invitations", ignore_result=True, max_retries=MAX_RETRIES)
def send_invitations_task(self, *, invitation_ids: list[int]):
    try:
        metrics.emails_sent(kind="invitation", sent=invitations_send(invitation_ids=invitation_ids))
    except RETRYABLE_SEND_ERRORS as exc:
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc


@shared_task(name="rally.send_invitation_limit_alert", ignore_result=True, max_retries=MAX_RETRIES)
def send_invitation_limit_alert_task(*, alert_id: int):
    invitation_limit_alert_send(alert_id=alert_id)
