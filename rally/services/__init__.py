"""Writes for rallying a chapter: schedule call days, send their emails, "call now" messages, invitations.

Emails to volunteers go through the reminders ledger (reminders.services.deliver): one
ReminderDelivery row per volunteer and message, claimed before sending, so a rerun, a retry or
a second beat never sends the same one twice.
"""

from .call_days import call_day_schedule, call_days_send_emails
from .call_now import call_now_create, call_now_fail, call_now_resume_stalled, call_now_send, call_now_unsubscribe
from .common import RallyError
from .invitation_emails import invitation_limit_alert_send, invitations_send
from .invitations import (
    INVITATION_VALID_FOR,
    MAX_INVITATIONS,
    REINVITE_AFTER,
    InvitationLimitReached,
    InvitationNotForYou,
    do_not_invite_add,
    invitation_accept,
    invitation_check,
    invitation_check_invitee,
    invitation_revoke,
    invitations_create,
    invitations_void_for_chapter,
)

__all__ = [
    "INVITATION_VALID_FOR",
    "MAX_INVITATIONS",
    "REINVITE_AFTER",
    "InvitationLimitReached",
    "InvitationNotForYou",
    "RallyError",
    "call_day_schedule",
    "call_days_send_emails",
    "call_now_create",
    "call_now_fail",
    "call_now_resume_stalled",
    "call_now_send",
    "call_now_unsubscribe",
    "do_not_invite_add",
    "invitation_accept",
    "invitation_check",
    "invitation_check_invitee",
    "invitation_limit_alert_send",
    "invitation_revoke",
    "invitations_create",
    "invitations_send",
    "invitations_void_for_chapter",
]
