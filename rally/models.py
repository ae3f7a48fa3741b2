"""What a chapter lead plans and sends to rally the chapter's callers.

Every email goes through the reminders ledger (reminders.ReminderDelivery): one row per
volunteer and message, claimed before sending, so no rerun or second beat sends it twice.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.time_zones import local_midnight

MESSAGE_MAX_LENGTH = 500


class CallDay(models.Model):
    """A day the chapter calls together for a campaign, in the chapter's own time zone."""

    chapter = models.ForeignKey("accounts.Chapter", on_delete=models.CASCADE, related_name="call_days")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="call_days")
    day = models.DateField(help_text="In the chapter's time zone.")
    starts_at = models.TimeField(default=dt.time(9, 0))
    ends_at = models.TimeField(default=dt.time(17, 0))
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "campaign", "day"], name="callday_unique_chapter_campaign_day")
        ]

    def __str__(self):
        return f"{self.campaign} call day, {self.day:%Y-%m-%d}"

    def window(self, tz) -> tuple[dt.datetime, dt.datetime]:
        """The whole local day as UTC instants [start, end)."""
        return local_midnight(self.day, tz), local_midnight(self.day + dt.timedelta(days=1), tz)


class CallNowMessage(models.Model):
    """A lead's "please call today" email to the members who have not called in the campaign yet."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DONE = "done", "Sent"
        FAILED = "failed", "Stopped"

    chapter = models.ForeignKey("accounts.Chapter", on_delete=models.CASCADE, related_name="call_now_messages")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="call_now_messages")
    # The chapter's local date it was sent on: the key of "at most one per campaign per chapter per day".
    day = models.DateField()
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH)
    recipients = models.PositiveIntegerField(default=0)
    # The lead who sends it gets it only if they asked ("include me"); sending keeps their choice.
    include_sender = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "campaign", "day"], name="callnow_one_per_chapter_campaign_day")
        ]

    def __str__(self):
        return f"Call now: {self.campaign} ({self.chapter}, {self.day:%Y-%m-%d})"

    @property
    def ledger_key(self) -> str:
        return f"call_now:{self.pk}"


class Invitation(models.Model):
    """One address invited to one chapter. Its link works once, for that address only, and expires.

    A revoked invitation, and every one sent under an earlier join link (the lead made a new
    one), no longer works.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        JOINED = "joined", _("Joined")
        BOUNCED = "bounced", _("Bounced")
        REVOKED = "revoked", _("Revoked")

    chapter = models.ForeignKey("accounts.Chapter", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    # The mailbox (accounts.emails.email_key): "invited lately" and "never again" compare these.
    email_key = models.CharField(max_length=254, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    joined_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The chapter's join link version when it was sent: a new join link voids it.
    join_link_version = models.PositiveIntegerField(default=1)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["chapter", "email", "created_at"]),
            models.Index(fields=["chapter", "email_key", "created_at"], name="invitation_chapter_key_created"),
            models.Index(fields=["chapter", "created_at"], name="invitation_chapter_created"),
            models.Index(fields=["invited_by", "created_at"], name="invitation_inviter_created"),
        ]

    def __str__(self):
        return f"{self.email} to {self.chapter} ({self.status})"


class DoNotInvite(models.Model):
    """A mailbox never invited again: its invitation bounced, or its owner asked us to stop."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced")
        UNSUBSCRIBED = "unsubscribed", _("Asked not to be invited")

    email_key = models.CharField(max_length=254, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "address not to invite"
        verbose_name_plural = "addresses not to invite"

    def __str__(self):
        return f"{self.email_key} ({self.reason})"


class InvitationLimitAlert(models.Model):
    """Staff were told that a chapter reached its invitation limit: at most once per 24 hours per chapter."""

    chapter = models.ForeignKey("accounts.Chapter", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["chapter", "sent_at"], name="invitation_alert_chapter_sent")]
