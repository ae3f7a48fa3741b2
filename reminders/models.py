"""One row per email a volunteer is due: the "already sent" record that makes every run harmless to repeat.

The unique key (user, kind, key) is claimed before anything is sent, so a rerun, a Celery
retry, a duplicated message or two beat processes can never send the same reminder twice.
`key` names the period or the campaign: "campaign:42" or "week:2026-11-23".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReminderKind(models.TextChoices):
    NEW_CAMPAIGN = "new_campaign", "New campaign"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"
    # Sent by the rally app: a lead's call day (key "call_day:<id>") and "call now" message ("call_now:<id>").
    CALL_DAY = "call_day", "Call day"
    CALL_NOW = "call_now", "Call now"


class ReminderDelivery(models.Model):
    class Status(models.TextChoices):
        # Waiting for a (re)try: released by a run that hit a transient SMTP error.
        READY = "ready", "Ready"
        # Claimed by one run (claim_token), which is sending it now.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Claimed, but there was nothing to say (a digest with no open campaign).
        SKIPPED = "skipped", "Skipped"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    key = models.CharField(max_length=100)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    # The verified address it went to, kept as it was when sent.
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "reminder deliveries"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="reminderdelivery_unique_user_kind_key")
        ]
        indexes = [
            # The sweep for rows a crashed run left behind: few rows are ever unfinished.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status__in=["ready", "sending"]),
                name="reminderdelivery_unfinished",
            ),
            models.Index(fields=["kind", "key", "status"], name="reminderdelivery_kind_key"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.key} to {self.email} ({self.status})"


class CampaignAnnouncement(models.Model):
    """A campaign whose "new campaign" emails have all been handed to the mail server.

    Only there so the run every 10 minutes skips it instead of re-checking every volunteer;
    the ReminderDelivery rows alone already prevent a second email.
    """

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="announcement")
    completed_at = models.DateTimeField(default=timezone.now)
    sent = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.campaign} announced {self.completed_at:%Y-%m-%d %H:%M}"
