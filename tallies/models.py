"""CallLog is the one source of truth for every count on the platform.

A row is written once (`tallies.services.call_log_create`) and never updated. Rollup tables
summarise it incrementally; dashboards read rollups plus the live tail above the rollup's
high-water mark, so they are exact at every moment.

An undo (`tallies.services.call_log_undo`) is a row of its own, never an update or a delete:
a mirror of the call it undoes (same caller, campaign, action, office, outcome, chapter and
created_at) with weight -1 and `undoes` pointing at it. Every count is SUM(weight), so the
rollup applies an undo exactly once, like any call, and every figure keyed by the call's
columns (its day, hour, office, member ...) drops back to what it was without the call. Lists
of calls read `CallLog.objects.counted()`: neither undo rows nor the calls they undo.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached a person")
    VOICEMAIL = "voicemail", _("Left a voicemail")
    BUSY = "busy", _("Busy or no answer")
    SKIPPED = "skipped", _("Skipped")
    SENT = "sent", _("Sent")  # write and email actions


class Source(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    BATCH = "batch", "Batch upload"


class CallLogQuerySet(models.QuerySet):
    def created_in(self, date_range, tz):
        """Calls in a DateRange of local days in tz (see DateRange.bounds)."""
        lo, hi = date_range.bounds(tz)
        calls = self
        if lo:
            calls = calls.filter(created_at__gte=lo)
        if hi:
            calls = calls.filter(created_at__lt=hi)
        return calls

    def counted(self):
        """The calls that count: not undo rows, and not undone (the one rule for lists and reports).

        Counts over many calls may rather Sum("weight"), which needs no anti-join.
        """
        undos = CallLog.objects.filter(undoes_id=OuterRef("pk"))
        return self.filter(undoes__isnull=True).filter(~Exists(undos))

    def undone(self):
        """Calls that were undone (not the undo rows themselves)."""
        return self.filter(undoes__isnull=True, undos__isnull=False)


class CallLog(models.Model):
    # Indexes: every write pays for each one, so only those a query needs. user, campaign and
    # chapter have none of their own: the (user, created_at), (campaign, created_at) and
    # (chapter, created_at) indexes serve lookups by the column alone (and the deletion checks)
    # as well. action, office and person keep theirs for the PROTECT checks when one is deleted.
    # Account deletion keeps the count and forgets the caller.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="call_logs", db_index=False
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="call_logs", db_index=False
    )
    action = models.ForeignKey("campaigns.Action", on_delete=models.PROTECT, related_name="call_logs")
    office = models.ForeignKey("officials.Office", on_delete=models.PROTECT, related_name="call_logs")
    # Who held the office when the call was made; a later change of holder never rewrites it.
    person = models.ForeignKey("officials.Person", null=True, on_delete=models.PROTECT, related_name="call_logs")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The caller's chapter at that moment: the campaign's chapter, else their first chapter.
    chapter = models.ForeignKey(
        "accounts.Chapter", null=True, on_delete=models.PROTECT, related_name="call_logs", db_index=False
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    # Fingerprint of the request body, so the same key with another body is refused.
    request_hash = models.CharField(max_length=64, blank=True)
    client_timestamp = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=1000)
    # +1 for a call, -1 for an undo row. db_default, so the hand-written INSERTs of the hot path
    # and the batch upload leave it out and stay as they were.
    weight = models.SmallIntegerField(default=1, db_default=1)
    # On an undo row: the call it undoes (one undo per call, calllog_one_undo_per_call). No index
    # of its own: the partial unique index serves it, and calls (NULL here) never touch it.
    undoes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undos", db_index=False
    )

    objects = CallLogQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="calllog_unique_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["undoes"], condition=models.Q(undoes__isnull=False), name="calllog_one_undo_per_call"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["campaign", "created_at"]),
            models.Index(fields=["chapter", "created_at"]),
            # The dashboard's "callers' notes", newest first: few calls have one.
            models.Index(fields=["chapter", "-id"], condition=~models.Q(note=""), name="calllog_chapter_notes"),
        ]

    def __str__(self):
        undo = "Undo of " if self.undoes_id else ""
        return f"{undo}{self.get_outcome_display()}: {self.office} ({self.created_at:%Y-%m-%d})"

    @property
    def is_undo(self) -> bool:
        return self.undoes_id is not None


# ------------------------------------------------------------------------------
# Rollups: derived from CallLog by `tallies.rollups.rollup_calls`, never written elsewhere.
#
# Each table answers one dashboard figure, so a read touches few rows however many calls are
# stored. Figures about one volunteer ("My impact") and members in a date range read CallLog
# through its (user, created_at) and (chapter, created_at) indexes instead: a rollup keyed by
# member and day would hold nearly a row per call and cost the rollup more than it saves. Keys are plain integers, not foreign keys: the rollup is a summary, and 0 stands for
# "none" (a call without a chapter, a caller whose account was deleted). Days are UTC dates;
# a chapter's own (local) days come from HourlyChapterTally.
# ------------------------------------------------------------------------------
class RollupState(models.Model):
    """The high-water mark: every CallLog with id <= last_id is counted in the rollups, no other."""

    name = models.CharField(max_length=50, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.name} up to #{self.last_id}"


class CampaignTally(models.Model):
    campaign_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign_id", "outcome"], name="campaigntally_key")]


class ChapterTally(models.Model):
    chapter_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter_id", "campaign_id", "outcome"], name="chaptertally_key")
        ]


class ChapterOfficeTally(models.Model):
    chapter_id = models.BigIntegerField()
    office_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chapter_id", "office_id"], name="chapterofficetally_key")]


class ChapterMemberTally(models.Model):
    chapter_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chapter_id", "user_id"], name="chaptermembertally_key")]


class DailyChapterTally(models.Model):
    chapter_id = models.BigIntegerField()
    day = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chapter_id", "day"], name="dailychaptertally_key")]


class HourlyChapterTally(models.Model):
    """Calls per chapter per UTC hour: summed into the chapter's own local days (its time zone).

    Every chapter zone is a whole number of hours from UTC (accounts.time_zones), so an hour
    never straddles two local days, and a change of zone needs no recount.
    """

    chapter_id = models.BigIntegerField()
    hour = models.DateTimeField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chapter_id", "hour"], name="hourlychaptertally_key")]


class DailyTally(models.Model):
    """The detail behind date-range figures: by campaign, office and outcome for each day."""

    chapter_id = models.BigIntegerField()
    day = models.DateField()
    campaign_id = models.BigIntegerField()
    office_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["chapter_id", "day", "campaign_id", "office_id", "outcome"], name="dailytally_key"
            )
        ]
