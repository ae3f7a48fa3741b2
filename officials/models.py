"""Who holds which office, and how to reach them.

An Office is a seat (a Senate seat, a state's attorney general) or an organisation (the
Department of Justice). A Person holds an Office through a Term; the current holder is
derived from the term dates, so a refresh of the data ends old terms and starts new ones
and never rewrites who an earlier call went to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Division(models.Model):
    """A place, by its Open Civic Data id (ocd-division/country:us/state:mo/cd:3)."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        STATE = "state", "State"
        TERRITORY = "territory", "Territory"
        DISTRICT = "district", "Federal district"
        CONGRESSIONAL_DISTRICT = "cd", "Congressional district"
        STATE_UPPER = "sldu", "State senate district"
        STATE_LOWER = "sldl", "State house district"
        OTHER = "other", "Other"

    ocd_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=2, blank=True, db_index=True, help_text="USPS code")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    valid_through = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ocd_id"]

    def __str__(self):
        return self.name


# Divisions that are a state for the caller: states, territories and DC. Their OCD type
# ("state:", "territory:", "district:") is also the kind, which the importers rely on.
STATE_LEVEL_KINDS = (Division.Kind.STATE, Division.Kind.TERRITORY, Division.Kind.DISTRICT)


class OfficeRole(models.TextChoices):
    US_SENATE = "us_senate", _("U.S. Senator")
    US_HOUSE = "us_house", _("U.S. Representative")
    GOVERNOR = "governor", _("Governor")
    ATTORNEY_GENERAL = "attorney_general", _("Attorney General")
    SECRETARY_OF_STATE = "secretary_of_state", _("Secretary of State")
    STATE_UPPER = "state_upper", _("State Senator")
    STATE_LOWER = "state_lower", _("State Representative")
    ORGANISATION = "organisation", _("Organisation")
    # A person on a chapter's own target list (a city council member, a sheriff): the list, its
    # ZIPs and districts live in the targetlists app; the office makes calls count like any other.
    LIST_TARGET = "list_target", _("Target list member")


_OFFICE_ROLE_PLURALS = {
    OfficeRole.US_SENATE: _("U.S. Senators"),
    OfficeRole.US_HOUSE: _("U.S. Representatives"),
    OfficeRole.GOVERNOR: _("Governors"),
    OfficeRole.ATTORNEY_GENERAL: _("Attorneys General"),
    OfficeRole.SECRETARY_OF_STATE: _("Secretaries of State"),
    OfficeRole.STATE_UPPER: _("State Senators"),
    OfficeRole.STATE_LOWER: _("State Representatives"),
    OfficeRole.ORGANISATION: _("Organisations"),
    OfficeRole.LIST_TARGET: _("Target list members"),
}


def office_role_label(*, role: str, count: int = 1) -> str:
    """A role's label, plural for several offices (the page's group headings)."""
    if count > 1:
        return _OFFICE_ROLE_PLURALS[role]
    return OfficeRole(role).label


class OfficeQuerySet(models.QuerySet):
    def organisations(self):
        return self.filter(role=OfficeRole.ORGANISATION)

    def public(self):
        """Offices anyone may look up: not the members of a chapter's own target list."""
        return self.exclude(role=OfficeRole.LIST_TARGET)


class Office(models.Model):
    role = models.CharField(max_length=30, choices=OfficeRole.choices, db_index=True)
    title = models.CharField(max_length=200, help_text='e.g. "Attorney General of Missouri"')
    division = models.ForeignKey(Division, null=True, blank=True, on_delete=models.PROTECT, related_name="offices")
    # Tells apart seats of one role in one division: a state's two Senate seats ("class-1", "class-2").
    seat = models.CharField(max_length=30, blank=True)
    # Organisations (role=organisation) have a name and no holder.
    name = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["role", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "division", "seat"],
                condition=~Q(role__in=["organisation", "list_target"]),
                name="office_unique_seat",
            )
        ]

    def __str__(self):
        return self.name or self.title

    @property
    def state_code(self) -> str:
        """The USPS code of the office's state; "US" for national offices and organisations."""
        return (self.division.state if self.division else "") or "US"

    @property
    def is_organisation(self) -> bool:
        return self.role == OfficeRole.ORGANISATION

    def holder_phrase(self) -> str:
        """The office said in place of its holder's name, in the active language ("the Attorney General of
        Missouri" / "el Fiscal General de Missouri"), for a script when nobody is known to hold it."""
        place = self.division.name if self.division else ""
        if self.role == OfficeRole.GOVERNOR and self.title.startswith("Mayor"):
            return str(_("the Mayor of the District of Columbia"))
        phrases = {
            OfficeRole.GOVERNOR: _("the Governor of %(place)s"),
            OfficeRole.ATTORNEY_GENERAL: _("the Attorney General of %(place)s"),
            OfficeRole.SECRETARY_OF_STATE: _("the Secretary of State of %(place)s"),
            OfficeRole.US_SENATE: _("the U.S. Senator for %(place)s"),
        }
        if self.role in phrases and place:
            return str(phrases[self.role] % {"place": place})
        if self.role == OfficeRole.US_HOUSE and self.division is not None:
            district = self.division.ocd_id.rsplit(":", 1)[-1]
            state = self.division.parent.name if self.division.parent else self.division.state
            if district == "at-large":
                return str(_("the U.S. Representative for %(state)s") % {"state": state})
            return str(
                _("the U.S. Representative for district %(district)s of %(state)s")
                % {
                    "district": district,
                    "state": state,
                }
            )
        return str(_("the office of %(title)s") % {"title": self.name or self.title})

    @property
    def is_list_target(self) -> bool:
        return self.role == OfficeRole.LIST_TARGET

    @property
    def chamber(self) -> str:
        """ "house" or "senate" for legislative seats, "" otherwise (for script chamber blocks)."""
        if self.role in (OfficeRole.US_HOUSE, OfficeRole.STATE_LOWER):
            return "house"
        if self.role in (OfficeRole.US_SENATE, OfficeRole.STATE_UPPER):
            return "senate"
        return ""


class Person(models.Model):
    name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    party = models.CharField(max_length=50, blank=True)
    photo_url = models.URLField(blank=True, max_length=500)
    bioguide_id = models.CharField(max_length=20, unique=True, null=True, blank=True)
    openstates_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    # Official social accounts by service ({"twitter": "SenSchmitt", ...}), from the social-media file.
    social = models.JSONField(default=dict, blank=True)
    # Fields staff set (an incoming officeholder's photo): the importers leave them alone.
    staff_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["family_name", "name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class TermQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on) | Q(start__isnull=True)).filter(Q(end__isnull=True) | Q(end__gte=on))


class Term(models.Model):
    """A person holding an office. `end` is the last day; null while open-ended."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="terms")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="terms")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    party = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=50, blank=True, help_text="Which importer wrote it")

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["office", "end"])]

    def __str__(self):
        return f"{self.person} as {self.office} ({self.start}–{self.end or ''})"


class ContactPointQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ContactPoint(models.Model):
    """A phone, fax, contact form, email or postal address of an office.

    `person` is set when the contact point belongs to the person holding the seat (a
    senator's DC line); when the holder changes, the importer retires those.
    """

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone"
        FAX = "fax", "Fax"
        CONTACT_FORM = "form", "Contact form"
        EMAIL = "email", "Email"
        POSTAL = "postal", "Postal address"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="contact_points")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=500, help_text="Phone in E.164, URL, email or address")
    label = models.CharField(max_length=200, blank=True, help_text='"Washington DC", "St. Louis district office"')
    is_capitol = models.BooleanField(default=False, help_text="The main (DC or state capitol) office")
    address = models.CharField(max_length=500, blank=True)
    hours = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source_key = models.CharField(max_length=200, blank=True, db_index=True, help_text="Upstream id, for upserts")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who vouches for the value: a machine source, or a person (a curated file's row, an admin edit,
    # an accepted wrong-number report). A machine source may not replace a person's value unreviewed.
    origin = models.CharField(
        max_length=10,
        choices=[
            ("", "Machine source"),
            ("curated", "Curated file"),
            ("staff", "Staff edit"),
            ("report", "Wrong-number report"),
        ],
        default="",
        blank=True,
    )

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["-is_capitol", "position", "label"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}: {self.value}"

    @property
    def is_phone(self) -> bool:
        return self.kind in (self.Kind.PHONE, self.Kind.FAX)

    @property
    def display_value(self) -> str:
        """A phone in national format ("(573) 751-3321"); anything else as stored."""
        if not self.is_phone:
            return self.value
        from .phones import phone_display

        return phone_display(self.value)

    @property
    def tel_url(self) -> str:
        return f"tel:{self.value}" if self.kind == self.Kind.PHONE else ""


class ZipMap(models.Model):
    """A ZIP-to-district map that takes effect on a date (the 120th Congress map, loaded weeks ahead).

    ZipDivision rows with no map are the undated base map, in force until the first dated map
    takes effect. On any day the lookup uses the map with the latest `effective_from` not after it.
    """

    effective_from = models.DateField(unique=True)
    source = models.CharField(max_length=500, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["effective_from"]

    def __str__(self):
        return f"ZIP map from {self.effective_from}"


def zip_map_in_force(on=None) -> ZipMap | None:
    """The dated map in force on a day, or None for the undated base map."""
    on = on or timezone.localdate()
    return ZipMap.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


class ZipDivisionQuerySet(models.QuerySet):
    def of_map(self, zip_map: ZipMap | None):
        return self.filter(zip_map=zip_map) if zip_map is not None else self.filter(zip_map__isnull=True)

    def in_force(self, on=None):
        """The rows of the map in force on a day (today by default), in the same query."""
        maps = ZipMap.objects.filter(effective_from__lte=on or timezone.localdate())
        latest = maps.order_by("-effective_from").values("pk")[:1]
        return self.filter(Q(zip_map=models.Subquery(latest)) | (Q(zip_map__isnull=True) & ~models.Exists(maps)))


class ZipDivision(models.Model):
    """A ZIP (ZCTA) and one of the congressional districts it touches; a ZIP may span several."""

    zcta = models.CharField(max_length=5, db_index=True)
    state = models.CharField(max_length=2)
    division = models.ForeignKey(Division, on_delete=models.CASCADE, related_name="zip_codes")
    zip_map = models.ForeignKey(ZipMap, null=True, blank=True, on_delete=models.CASCADE, related_name="rows")

    objects = ZipDivisionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zcta", "division"], condition=Q(zip_map__isnull=True), name="zipdivision_unique"
            ),
            models.UniqueConstraint(
                fields=["zip_map", "zcta", "division"],
                condition=Q(zip_map__isnull=False),
                name="zipdivision_unique_in_map",
            ),
        ]

    def __str__(self):
        return f"{self.zcta} → {self.division.ocd_id}"


class RefreshRun(models.Model):
    """One run of `refresh_officials`: when, how it ended, and what changed."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True)
    dry_run = models.BooleanField(default=False)
    sources = models.JSONField(default=dict, blank=True, help_text="Where each source was read from")
    changed = models.BooleanField(default=False)
    report = models.TextField(blank=True)
    error = models.TextField(blank=True)
    held = models.PositiveIntegerField(default=0, help_text="Changes held for review by this run")
    # Sources whose writes were undone and held as a whole (too many changes at once).
    held_sources = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Refresh {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class WrongNumberReport(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FIXED = "fixed", "Fixed"
        DISMISSED = "dismissed", "Dismissed"

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Report on {self.contact_point} ({self.status})"


class ContactPointChange(models.Model):
    """Audit trail: who changed which field of a contact point, and when."""

    contact_point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=50)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    report = models.ForeignKey(WrongNumberReport, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-changed_at"]


# The review models live in their own module to keep this one readable; importing them here
# registers them with the app and keeps `officials.models.PendingChange` working.
from .review_models import IncomingOfficeholder, PendingChange  # noqa: E402, F401
