from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from officials.models import Office, OfficeRole

# The language campaign content is authored in first, and the one with a version of each text beside it.
CONTENT_LANGUAGE = "en"
TRANSLATED_LANGUAGE = "es"


class LocalizedText:
    """A campaign's or action's texts in one language: the Spanish version where one exists, else English.

    `campaign.local.title` in a template (or `.local_in("es")` in Python) gives the text for the
    active language; `untranslated` says some text is shown in English for a Spanish reader.
    """

    def __init__(self, obj, language: str):
        self._obj = obj
        self._language = language

    def __getattr__(self, name: str) -> str:
        if name not in self._obj.TRANSLATED_FIELDS:
            raise AttributeError(name)
        if self._language == TRANSLATED_LANGUAGE:
            translated = getattr(self._obj, f"{name}_{TRANSLATED_LANGUAGE}")
            if translated.strip():
                return translated
        return getattr(self._obj, name)

    @property
    def language(self) -> str:
        return self._language

    @property
    def untranslated(self) -> bool:
        return self._language == TRANSLATED_LANGUAGE and self._obj.untranslated_fields()


class BilingualMixin:
    """Models whose TRANSLATED_FIELDS each have a `<field>_es` beside them."""

    TRANSLATED_FIELDS: tuple[str, ...] = ()

    @property
    def local(self) -> LocalizedText:
        return self.local_in(translation.get_language())

    def local_in(self, language: str | None) -> LocalizedText:
        language = (language or CONTENT_LANGUAGE).split("-")[0]
        return LocalizedText(self, language)

    def untranslated_fields(self) -> list[str]:
        """Fields with English text and no Spanish version."""
        return [
            name
            for name in self.TRANSLATED_FIELDS
            if getattr(self, name).strip() and not getattr(self, f"{name}_{TRANSLATED_LANGUAGE}").strip()
        ]

    @property
    def has_spanish(self) -> bool:
        return any(getattr(self, f"{name}_{TRANSLATED_LANGUAGE}").strip() for name in self.TRANSLATED_FIELDS)


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def active(self, now=None):
        """Campaigns that accept calls now: published and inside their dates (Campaign.accepts_calls, in SQL)."""
        now = now or timezone.now()
        return self.filter(status=Campaign.Status.ACTIVE).filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now), Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )

    def published(self):
        """Active or archived: no longer a draft, so its tally may be shown."""
        return self.exclude(status=Campaign.Status.DRAFT)

    def national(self):
        return self.filter(chapter__isnull=True)

    def visible_to(self, user):
        """National campaigns and those of the user's chapters: who may see a campaign, whatever its status.

        Callers add the status they need (`active()` to call, `published()` for a tally); leads and
        staff also see drafts through campaigns.selectors.campaign_can_preview.
        """
        if not user.is_authenticated:
            return self.national()
        from accounts.models import Membership

        mine = Membership.objects.filter(user=user).values("chapter_id")
        return self.filter(Q(chapter__isnull=True) | Q(chapter_id__in=mine))


class Campaign(BilingualMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    summary = models.TextField(blank=True, help_text="One or two sentences, shown in lists.")
    background = models.TextField(blank=True, help_text="Markdown. HTML is removed when shown.")
    # Spanish versions: shown to volunteers reading in Spanish, the English text where one is empty.
    title_es = models.CharField("title (Spanish)", max_length=300, blank=True)
    summary_es = models.TextField("summary (Spanish)", blank=True)
    background_es = models.TextField("background (Spanish)", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    call_goal = models.PositiveIntegerField(null=True, blank=True)
    chapter = models.ForeignKey(
        "accounts.Chapter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text="Empty for a national campaign.",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    TRANSLATED_FIELDS = ("title", "summary", "background")

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self):
        return self.title

    def goal_percent(self, total: int) -> int | None:
        """How far `total` calls go toward the goal, 0..100; None without a goal.

        The one rule for every progress bar and API field: a sliver (1%) for the first calls,
        so the bar visibly moves, and 100 only when the goal is met (999 of 1,000 is 99%).
        """
        if not self.call_goal:
            return None
        if total <= 0:
            return 0
        percent = round(100 * total / self.call_goal)
        if total < self.call_goal:
            percent = min(percent, 99)
        return max(1, min(100, percent))

    def accepts_calls(self, now=None) -> bool:
        """CampaignQuerySet.active for one loaded campaign, without a query (the call path checks it per call)."""
        now = now or timezone.now()
        return (
            self.status == Campaign.Status.ACTIVE
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or self.ends_at > now)
        )


class TargetListMode(models.TextChoices):
    ALL = "all", _("Everyone on the list")
    OWN = "own", _("The caller's own member of the list (by ZIP code)")


class Action(BilingualMixin, models.Model):
    """One thing to do in a campaign: call, write through a contact form, or email."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        WRITE = "write", _("Write through a contact form")
        EMAIL = "email", _("Email")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CALL)
    title = models.CharField(max_length=300)
    instructions = models.TextField(blank=True, help_text="Markdown, shown above the script.")
    script = models.TextField(blank=True, help_text="Plain text with [PLACEHOLDERS]. See the README.")
    voicemail_script = models.TextField(blank=True)
    title_es = models.CharField("title (Spanish)", max_length=300, blank=True)
    instructions_es = models.TextField("instructions (Spanish)", blank=True)
    # The call script, or the letter for a write or email action; the same [PLACEHOLDERS] as the English one.
    script_es = models.TextField("script or letter (Spanish)", blank=True)
    voicemail_script_es = models.TextField("voicemail script (Spanish)", blank=True)
    # Roles resolved against each caller's own officials, e.g. ["attorney_general"].
    target_roles = models.JSONField(default=list, blank=True)
    # Fixed targets, the same for every caller, e.g. the Department of Justice.
    target_offices = models.ManyToManyField(Office, blank=True, related_name="+")
    # A chapter's own target list: everyone on it, or only the caller's own member (by ZIP).
    target_list = models.ForeignKey(
        "targetlists.TargetList", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    target_list_mode = models.CharField(
        max_length=10, choices=TargetListMode.choices, default=TargetListMode.ALL, blank=True
    )

    TRANSLATED_FIELDS = ("title", "instructions", "script", "voicemail_script")

    class Meta:
        ordering = ["campaign", "position", "id"]

    def __str__(self):
        return f"{self.campaign}: {self.title}"

    def clean(self):
        # A chapter's target list serves only that chapter's campaigns (the admin and the services).
        if self.target_list_id is not None and self.campaign_id is not None:
            if self.target_list.chapter_id != self.campaign.chapter_id:
                raise ValidationError({"target_list": _("Pick one of this chapter's target lists.")})

    def get_target_roles_display(self) -> list[str]:
        labels = dict(OfficeRole.choices)
        return [str(labels.get(role, role)) for role in self.target_roles]


class Reply(models.Model):
    """A short reply a volunteer posts on a campaign ("staffer said the AG has no position")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "replies"

    def __str__(self):
        return f"{self.author} on {self.campaign}"
