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
    # The mailbox took no message: the office was not reached, and its next number is worth a try.
    VOICEMAIL_FULL = "vm_full", _("Voicemail full")
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
    office = models.ForeignKey("officials.Office", on_delete=models.PROTECT, related_name="call_logs", db_index=False)
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
    # The caller's consent, given with the call: the note may appear in reports handed to the
    # office (share_note), signed with the caller's first name and ZIP (sign_note, only with it).
    # A database default too: every INSERT that predates these columns (raw SQL, the bench seed)
    # still writes a call that shares nothing.
    share_note = models.BooleanField(default=False, db_default=False)
    sign_note = models.BooleanField(default=False, db_default=False)
    # The number the caller dialled (optional: old clients send none). A number removed later
    # leaves its calls counted, without it.
    contact_point = models.ForeignKey(
        "officials.ContactPoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
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
            # The office report: one office's calls for one campaign in a date range, read from the
            # index alone (PostgreSQL; SQLite ignores INCLUDE). It also serves the PROTECT check
            # when an office is deleted, so it replaces the single-column office index.
            models.Index(
                fields=["office", "campaign", "created_at"],
                include=["user", "outcome", "chapter"],
                name="calllog_office_report",
            ),
            # SET_NULL when a contact point is deleted: only the few calls that name one.
            models.Index(
                fields=["contact_point"],
                condition=models.Q(contact_point__isnull=False),
                name="calllog_contact_point",
            ),
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


class AnswerHourTally(models.Model):
    """Calls per office, number dialled (0: not said), UTC hour and outcome: the answer rates.

    Read in the office's local time (hour of day, weekday) over the last 90 days; like
    HourlyChapterTally, a UTC hour maps to exactly one local hour in every zone the platform uses.
    """

    office_id = models.BigIntegerField()
    contact_point_id = models.BigIntegerField()
    hour = models.DateTimeField()
    outcome = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office_id", "hour", "contact_point_id", "outcome"], name="answerhourtally_key"
            )
        ]
        indexes = [
            # A 90-day read of one office from the index alone (PostgreSQL; SQLite ignores INCLUDE):
            # its rows are spread over the table, one heap page each otherwise.
            models.Index(
                fields=["office_id", "hour"], include=["contact_point_id", "outcome", "n"], name="answerhourtally_read"
            )
        ]


class OfficeReportShare(models.Model):
    """A link to one office report (fixed range) that works without signing in, until it expires or is revoked.

    The URL carries a signed token of the id (tallies.services.shares); the row says whether it
    still works and counts its views.
    """

    chapter = models.ForeignKey("accounts.Chapter", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey("officials.Office", on_delete=models.CASCADE, related_name="+")
    # A random key, signed in the URL: a guessed or altered link fails before any lookup, and
    # the link says nothing about other shares.
    key = models.CharField(max_length=32, unique=True)
    start = models.DateField()
    end = models.DateField()
    language = models.CharField(max_length=10, default="en")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.office} / {self.campaign} {self.start}..{self.end}"

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at
