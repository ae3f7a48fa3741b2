"""Writes for rallying a chapter: schedule call days, send their emails, "call now" messages, invitations.

Emails to volunteers go through the reminders ledger (reminders.services.deliver): one
ReminderDelivery row per volunteer and message, claimed before sending, so a rerun, a retry or
a second beat never sends the same one twice.
"""

from .call_days import call_day_schedule, call_days_send_emails
from .call_now import call_now_create, call_now_fail, call_now_send, call_now_unsubscribe
from .common import RallyError
from .invitations import (
    INVITATION_VALID_FOR,
    MAX_INVITATIONS,
    REINVITE_AFTER,
    invitation_accept,
    invitation_check,
    invitations_create,
    invitations_send,
)

__all__ = [
    "INVITATION_VALID_FOR",
    "MAX_INVITATIONS",
    "REINVITE_AFTER",
    "RallyError",
    "call_day_schedule",
    "call_days_send_emails",
    "call_now_create",
    "call_now_fail",
    "call_now_send",
    "call_now_unsubscribe",
    "invitation_accept",
    "invitation_check",
    "invitations_create",
    "invitations_send",
]
