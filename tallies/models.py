"""CallLog is the one source of truth for every count on the platform.

A row is written once (`tallies.services.call_log_create`) and never updated. Rollup tables
summarise it incrementally; dashboards read rollups plus the live tail above the rollup's
high-water mark, so they are exact at every moment.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Outcome(models.TextChoices):
    REACHED = "reached", "Reached a person"
    VOICEMAIL = "voicemail", "Left a voicemail"
    BUSY = "busy", "Busy or no answer"
    SKIPPED = "skipped", "Skipped"
    SENT = "sent", "Sent"  # write and email actions


class Source(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    BATCH = "batch", "Batch upload"


class CallLogQuerySet(models.QuerySet):
    def for_campaign(self, campaign):
        return self.filter(campaign=campaign)

    def for_chapter(self, chapter):
        return self.filter(chapter=chapter)


class CallLog(models.Model):
    # Account deletion keeps the count and forgets the caller.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="call_logs")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="call_logs")
    action = models.ForeignKey("campaigns.Action", on_delete=models.PROTECT, related_name="call_logs")
    office = models.ForeignKey("officials.Office", on_delete=models.PROTECT, related_name="call_logs")
    # Who held the office when the call was made; a later change of holder never rewrites it.
    person = models.ForeignKey("officials.Person", null=True, on_delete=models.PROTECT, related_name="call_logs")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The caller's chapter at that moment: the campaign's chapter, else their first chapter.
    chapter = models.ForeignKey("accounts.Chapter", null=True, on_delete=models.PROTECT, related_name="call_logs")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    # Fingerprint of the request body, so the same key with another body is refused.
    request_hash = models.CharField(max_length=64, blank=True)
    client_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=1000)

    objects = CallLogQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="calllog_unique_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["campaign", "created_at"]),
            models.Index(fields=["chapter", "created_at"]),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.office} ({self.created_at:%Y-%m-%d})"
