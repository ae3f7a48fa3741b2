"""A chapter's own target lists: the people a lead imports (a city council, a school board).

Each member is backed by an officials Office (role `list_target`) with its Person, Term and
ContactPoints, so logging, the per-office limit, tallies, dashboards and CSVs count a list
member exactly like any other office. What only a list knows (the ZIPs a member represents,
the district, the Spanish title, the upstream id) lives here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation

from officials.models import Office


class TargetList(models.Model):
    chapter = models.ForeignKey("accounts.Chapter", on_delete=models.CASCADE, related_name="target_lists")
    name = models.CharField(max_length=200)
    is_sample = models.BooleanField(default=False, help_text="Made-up demo data, labelled as such on every page.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["chapter", "name"]
        constraints = [models.UniqueConstraint(fields=["chapter", "name"], name="targetlist_unique_name")]

    def __str__(self):
        return self.name


class TargetListMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_at__isnull=True)


class TargetListMember(models.Model):
    """One person on a list. Retired (not deleted) when a re-import leaves them out: calls keep pointing here."""

    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="members")
    office = models.OneToOneField(Office, on_delete=models.PROTECT, related_name="list_member")
    # The upsert key of a re-import: the row's external_id, else "name|title" in lower case.
    key = models.CharField(max_length=420)
    external_id = models.CharField(max_length=200, blank=True)
    title_es = models.CharField(max_length=200, blank=True)
    district = models.CharField(max_length=200, blank=True)
    district_es = models.CharField(max_length=200, blank=True)
    # 5-digit ZIPs this member represents; empty: everyone (an at-large seat).
    zips = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = TargetListMemberQuerySet.as_manager()

    class Meta:
        ordering = ["target_list", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_list", "key"], condition=Q(retired_at__isnull=True), name="targetlistmember_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.office} ({self.target_list})"

    def title_in(self, language: str | None) -> str:
        if (language or "").startswith("es") and self.title_es:
            return self.title_es
        return self.office.title

    def district_in(self, language: str | None) -> str:
        if (language or "").startswith("es") and self.district_es:
            return self.district_es
        return self.district

    @property
    def local_title(self) -> str:
        return self.title_in(translation.get_language())

    @property
    def local_district(self) -> str:
        return self.district_in(translation.get_language())

    def represents(self, zip5: str) -> bool:
        return not self.zips or zip5 in self.zips


class TargetListChoice(models.Model):
    """Which member a caller picked where several on a list represent their ZIP (like a split ZIP's district)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(TargetListMember, on_delete=models.CASCADE, related_name="+")
    zip5 = models.CharField(max_length=5)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "target_list"], name="targetlistchoice_unique")]
