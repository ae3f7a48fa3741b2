import hashlib
import zoneinfo
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .emails import email_key
from .time_zones import CHAPTER_TIME_ZONE_CHOICES, time_zone_for_state, zone

ZIP_CODE_VALIDATOR = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("Enter a 5-digit ZIP code or ZIP+4 (for example 65101 or 65101-1234).")
)
TIME_ZONE_CHOICES = [
    (tz, tz.replace("_", " "))
    for tz in sorted(zoneinfo.available_timezones())
    if tz.startswith(("America/", "Pacific/", "US/")) or tz == "UTC"
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A volunteer, chapter lead or organiser. Logs in with their email address."""

    class ReminderFrequency(models.TextChoices):
        NEVER = "never", _("Never")
        NEW_CAMPAIGNS = "new_campaigns", _("When a new campaign starts")
        WEEKLY = "weekly", _("Weekly digest")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    # The mailbox the address reaches (accounts.emails.email_key): one account per mailbox, so
    # `a+1@x` and `A@x` cannot be second accounts of `a@x`. Kept in step with `email` by save().
    # Accounts that already shared a mailbox before the rule keep a key of their own ("~<id>~...").
    email_key = models.CharField(max_length=254, unique=True, null=True, editable=False)
    name = models.CharField("name", max_length=150, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True, validators=[ZIP_CODE_VALIDATOR])
    # Where the ZIP resolved to. district_ocd_id is the caller's own choice when the ZIP spans
    # several congressional districts.
    state = models.CharField(max_length=2, blank=True)
    district_ocd_id = models.CharField(max_length=200, blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="America/New_York")
    reminder_frequency = models.CharField(
        max_length=20, choices=ReminderFrequency.choices, default=ReminderFrequency.WEEKLY
    )
    # Empty: follow the switcher's cookie, then the browser. Reminder emails use it too (English when empty).
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=[("", _("Same as my browser")), *settings.LANGUAGES]
    )
    # A chapter lead's "call now" messages; off by the profile or the link in one of them.
    call_now_emails = models.BooleanField("“Call now” messages from my chapters' leads", default=True)
    # Staff's override of "one move to another state per 30 days": lets the next move through, then clears.
    state_move_allowed = models.BooleanField(
        "allow the next move to another state now",
        default=False,
        help_text="A caller may move to another state once per 30 days. Tick to let the next move through "
        "at once (for example after a real move); it clears itself when used.",
    )

    @property
    def zone(self) -> ZoneInfo:
        """The volunteer's own time zone (their weeks on "My impact" and in the digest)."""
        return zone(self.time_zone)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self):
        return self.name or self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_email = instance.__dict__.get("email")
        return instance

    def save(self, *args, **kwargs):
        # Recomputed only when the address changes, so an older account that shares a mailbox
        # (and so holds a "~<id>~" key) can still be saved.
        if self.email_key is None or getattr(self, "_stored_email", None) != self.email:
            self.email_key = email_key(self.email) if self.email else None
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "email" in update_fields:
                kwargs["update_fields"] = {*update_fields, "email_key"}
        super().save(*args, **kwargs)
        self._stored_email = self.email

    @property
    def zip5(self) -> str:
        return self.zip_code[:5]

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


class Chapter(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    state = models.CharField(max_length=2, blank=True, help_text="USPS code, e.g. MO")
    description = models.TextField(blank=True)
    # The chapter's days (dashboard, call days) are days in this zone. Left blank, it is set
    # from the state on save.
    time_zone = models.CharField(
        max_length=64,
        choices=CHAPTER_TIME_ZONE_CHOICES,
        blank=True,
        help_text="The chapter's days are counted in this zone. Left blank: the main zone of its state.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(User, through="Membership", related_name="chapters")
    # Part of every join link; a lead's "new join link" bumps it, so every earlier link stops working.
    join_link_version = models.PositiveIntegerField(default=1, editable=False)
    # Staff's per-chapter override of INVITATIONS_PER_CHAPTER_PER_DAY (blank: the site's default).
    invitation_daily_limit = models.PositiveIntegerField(
        "invitations per 24 hours",
        null=True,
        blank=True,
        help_text="How many invitations the chapter's leads may send in any 24 hours. "
        "Blank: the site's default (INVITATIONS_PER_CHAPTER_PER_DAY, 1,000).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.time_zone:
            self.time_zone = time_zone_for_state(self.state)
        super().save(*args, **kwargs)

    @property
    def zone(self):
        return zone(self.time_zone or time_zone_for_state(self.state))

    @property
    def invitations_per_day(self) -> int:
        if self.invitation_daily_limit is not None:
            return self.invitation_daily_limit
        return settings.INVITATIONS_PER_CHAPTER_PER_DAY


class MembershipQuerySet(models.QuerySet):
    def leads(self):
        return self.filter(role=Membership.Role.LEAD)


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEAD = "lead", _("Lead")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "chapter"], name="membership_unique_user_chapter")]
        ordering = ["joined_at", "id"]

    def __str__(self):
        return f"{self.user} in {self.chapter} ({self.role})"

    @property
    def is_lead(self) -> bool:
        """One loaded membership's side of MembershipQuerySet.leads()."""
        return self.role == Membership.Role.LEAD


def hash_token_key(key: str) -> str:
    """What is stored of an API token: its SHA-256 (the key itself is shown once, then forgotten)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A named API key. Only its SHA-256 is stored; the key itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to tell keys apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LocationHistory(models.Model):
    """Each ZIP (and district) a caller has held, from when to when: whose constituent they were, and when.

    A row is written by every change of location (accounts.services.user_location_set) and closed
    (`valid_to`) by the next; the open row is the profile's current location. `is_move` marks a
    change to another state than the last one held, the change allowed once per 30 days.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="location_history")
    zip_code = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=2, blank=True)
    district_ocd_id = models.CharField(max_length=200, blank=True)
    valid_from = models.DateTimeField(default=timezone.now)
    valid_to = models.DateTimeField(null=True, blank=True)
    is_move = models.BooleanField(default=False, help_text="A change to another state.")
    # A staff override let this move through within 30 days of the last one.
    allowed_by_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["user", "valid_from"])]
        verbose_name_plural = "location history"

    def __str__(self):
        return f"{self.user_id}: {self.zip_code or '-'} ({self.state or '-'}) from {self.valid_from:%Y-%m-%d}"
