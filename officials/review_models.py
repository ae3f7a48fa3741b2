"""What a refresh held for a person to decide, and the officeholders staff enter ahead of every source."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingChange(models.Model):
    """A change a refresh proposed and did not apply because it needs a person's decision.

    `payload` is what approving applies (officials/review.py). A rejected change is kept: the
    next refresh that proposes the same value for the same thing skips it, and a different
    value from upstream is a new proposal.
    """

    class Kind(models.TextChoices):
        END_TERM = "end_term", "End a holder's term"
        CONTACT = "contact", "Contact point value"
        SOURCE = "source", "A whole source"

    class Status(models.TextChoices):
        HELD = "held", "Held for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD, db_index=True)
    office = models.ForeignKey("officials.Office", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=100)
    current_value = models.TextField(blank=True)
    proposed_value = models.TextField(blank=True)
    source = models.CharField(max_length=50)
    reason = models.TextField()
    # Identifies what the change is about (a term, a contact point and field, a source), for "proposed again?".
    subject = models.CharField(max_length=200, db_index=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_proposed_at", "pk"]
        verbose_name = "officials change to review"
        verbose_name_plural = "officials changes to review"

    def __str__(self):
        where = f"{self.office}: " if self.office_id else ""
        return f"{where}{self.field}: {self.current_value or '(none)'} -> {self.proposed_value or '(none)'}"


class IncomingOfficeholder(models.Model):
    """Someone staff know will take an office before any source lists them (an election's winner).

    Saving it makes a Person and a Term from `first_day` (officials/review.py); the outgoing
    holder's term ends the day before. A later upstream record of the same person in the same
    office is merged into that Person instead of making a second one.
    """

    office = models.ForeignKey("officials.Office", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    party = models.CharField(max_length=50, blank=True)
    first_day = models.DateField()
    photo_url = models.URLField(blank=True, max_length=500, help_text="Optional: used over any source's photo")
    phone = models.CharField(max_length=30, blank=True, help_text="Optional: the holder's own line, over the office's")
    contact_form = models.URLField(blank=True, max_length=500, help_text="Optional")
    email = models.EmailField(blank=True, help_text="Optional")
    person = models.ForeignKey("officials.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("officials.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["first_day", "office__title"]

    def __str__(self):
        return f"{self.name}, {self.office} from {self.first_day}"
