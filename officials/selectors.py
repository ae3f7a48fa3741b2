"""Reads: a caller's officials from their ZIP, an office's current holder and contact points."""

import datetime
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import zipcodes
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import cache as officials_cache
from .models import (
    STATE_LEVEL_KINDS,
    ContactPoint,
    Division,
    Office,
    OfficeRole,
    Person,
    RefreshRun,
    Term,
    ZipDivision,
    office_role_label,
)

ZIP_RE = re.compile(r"^\s*(\d{5})(?:-?\d{4})?\s*$")

# Display order of roles on a caller's list.
ROLE_ORDER = [
    OfficeRole.US_SENATE,
    OfficeRole.US_HOUSE,
    OfficeRole.GOVERNOR,
    OfficeRole.ATTORNEY_GENERAL,
    OfficeRole.SECRETARY_OF_STATE,
    OfficeRole.STATE_UPPER,
    OfficeRole.STATE_LOWER,
    OfficeRole.ORGANISATION,
    OfficeRole.LIST_TARGET,
]


class InvalidZipCode(ValidationError):
    pass


ZIP_FORMAT_MESSAGE = _("Enter a 5-digit ZIP code or ZIP+4, for example 65101 or 65101-1234.")


def normalise_zip(zip_code: str) -> str:
    """The 5-digit ZIP of a ZIP or ZIP+4 that exists, or InvalidZipCode.

    Well-formed is not enough: 00000 or 99999 would otherwise be saved and shown as "your
    officials for ZIP 00000" with nobody under it.
    """
    match = ZIP_RE.match(zip_code or "")
    if not match:
        raise InvalidZipCode(ZIP_FORMAT_MESSAGE, code="invalid")
    zip5 = match.group(1)
    if not zip_is_known(zip5):
        raise InvalidZipCode(
            _("%(zip)s is not a US ZIP code. Check it and enter the ZIP code of your street address.") % {"zip": zip5},
            code="unknown_zip",
        )
    return zip5


def zip_is_known(zip5: str) -> bool:
    """In the USPS list (offline, the `zipcodes` package), a territory's range, or the district table."""
    return state_for_zip(zip5) is not None or ZipDivision.objects.filter(zcta=zip5).exists()


def _territory_for_zip(zip5: str) -> str | None:
    """The Census has no ZCTAs in these territories, so their ZIPs are mapped by prefix."""
    if zip5 == "96799":
        return "AS"
    if 96910 <= int(zip5) <= 96932:
        return "GU"
    if zip5.startswith("9695"):
        return "MP"
    if zip5.startswith("008"):
        return "VI"
    return None


@lru_cache(maxsize=1)
def _usps_states() -> dict[str, str]:
    # zipcodes scans its whole list on every call; one dict makes each lookup O(1).
    return {z["zip_code"]: z["state"] for z in zipcodes.list_all()}


def state_for_zip(zip5: str) -> str | None:
    """The state of a ZIP: the territories by prefix, else the USPS list in the `zipcodes` package (offline)."""
    return _territory_for_zip(zip5) or _usps_states().get(zip5)


HOLDER_UNKNOWN_TEXT = {
    "not_yet_in_data": _("New officeholder: name not yet in our data"),
    "vacant": _("Vacant"),
}
_MAIN_KINDS = (ContactPoint.Kind.CONTACT_FORM, ContactPoint.Kind.EMAIL)


@dataclass
class OfficialEntry:
    """One office on a caller's list, with whoever holds it today and how to reach them."""

    office: Office
    person: Person | None
    term: Term | None
    contact_points: list[ContactPoint] = field(default_factory=list)

    @property
    def role(self) -> str:
        return self.office.role

    @property
    def holder_status(self) -> str:
        """ "current", "not_yet_in_data" (an executive office between holders), "vacant" (a legislative
        seat nobody holds) or "organisation".

        Executive offices are never empty in life (a successor or an acting holder takes over), so no
        holder means our data has not caught up; a legislative seat can be truly vacant.
        """
        if self.office.is_organisation:
            return "organisation"
        if self.person is not None:
            return "current"
        return "vacant" if self.office.chamber else "not_yet_in_data"

    @property
    def holder_unknown_text(self) -> str:
        return HOLDER_UNKNOWN_TEXT.get(self.holder_status, "")

    @property
    def phones(self) -> list[ContactPoint]:
        return [cp for cp in self.contact_points if cp.kind == ContactPoint.Kind.PHONE]

    @property
    def main_phone(self) -> ContactPoint | None:
        phones = self.phones
        return phones[0] if phones else None

    @property
    def main_contacts(self) -> list[ContactPoint]:
        """The capitol (DC) line, contact form and email: what a caller tries first."""
        return [cp for cp in self.contact_points if cp.is_capitol or cp.kind in _MAIN_KINDS]

    @property
    def other_contacts(self) -> list[ContactPoint]:
        """District offices and other lines, for when the main one is busy."""
        return [cp for cp in self.contact_points if not (cp.is_capitol or cp.kind in _MAIN_KINDS)]

    @property
    def contact_form(self) -> ContactPoint | None:
        return next((cp for cp in self.contact_points if cp.kind == ContactPoint.Kind.CONTACT_FORM), None)


@dataclass
class OfficialsLookup:
    zip5: str
    state: str | None
    # Congressional districts the ZIP touches; more than one means `split`.
    districts: list[Division]
    # The district the caller chose among them, if any.
    chosen_district: Division | None
    entries: list[OfficialEntry]

    @property
    def split(self) -> bool:
        return len(self.districts) > 1 and self.chosen_district is None

    @property
    def representative_known(self) -> bool:
        return len(self.districts) == 1 or self.chosen_district is not None

    # True when the ZIP is not in the district table (a PO-box or unique ZIP); the
    # districts then come from the state alone (at-large states, territories) or are unknown.
    missing_from_table: bool = False

    def for_roles(self, roles) -> list[OfficialEntry]:
        return [entry for entry in self.entries if entry.role in roles]

    @property
    def house_entries(self) -> list[OfficialEntry]:
        return self.for_roles([OfficeRole.US_HOUSE])

    @property
    def groups(self) -> list[tuple[str, list[OfficialEntry]]]:
        """(role label, entries) in display order, for pages; the label is plural for several entries."""
        groups: list[list[OfficialEntry]] = []
        for entry in self.entries:
            if groups and groups[-1][0].role == entry.role:
                groups[-1].append(entry)
            else:
                groups.append([entry])
        return [(office_role_label(role=entries[0].role, count=len(entries)), entries) for entries in groups]


def _entries_for_offices(offices) -> list[OfficialEntry]:
    """Current holder and active contact points for each office, in three queries.

    Plain `office_id IN (...)` queries rather than prefetch_related: on a lookup that runs
    for every page view the prefetch machinery cost more than the database did.
    """
    offices = list(offices.select_related("division"))
    ids = [office.pk for office in offices]
    holders: dict[int, Term] = {}
    points: dict[int, list[ContactPoint]] = {}
    if ids:
        # Newest start first, so an overlap during a handover shows the newer holder.
        for term in Term.objects.current().filter(office_id__in=ids).select_related("person").order_by("-start"):
            holders.setdefault(term.office_id, term)
        for cp in ContactPoint.objects.filter(office_id__in=ids, is_active=True).order_by(
            "-is_capitol", "position", "label", "pk"
        ):
            points.setdefault(cp.office_id, []).append(cp)
    entries = []
    for office in offices:
        term = holders.get(office.pk)
        person = term.person if term else None
        person_id = person.pk if person else None
        office_points = [cp for cp in points.get(office.pk, []) if cp.person_id is None or cp.person_id == person_id]
        if any(cp.person_id is None for cp in office_points):
            # The holder's own lines (an override staff entered) before the office's shared ones; stable otherwise.
            office_points.sort(key=lambda cp: (cp.is_capitol is False, cp.person_id is None))
        entries.append(OfficialEntry(office=office, person=person, term=term, contact_points=office_points))
    entries.sort(key=lambda e: (ROLE_ORDER.index(e.role), e.office.seat, e.office.title))
    return entries


def office_entries(*, offices) -> list[OfficialEntry]:
    """Entries for fixed offices (for example the Department of Justice)."""
    return _entries_for_offices(Office.objects.filter(pk__in=[o.pk for o in offices]))


def officials_for_zip(*, zip_code: str, district_ocd_id: str = "", use_cache: bool = True) -> OfficialsLookup:
    """A caller's officials from a ZIP or ZIP+4.

    When the ZIP spans several congressional districts every candidate representative is
    listed (`split`), unless `district_ocd_id` names one of them. A ZIP missing from the
    district table still gives the state's officials, through the state of that ZIP, and the
    representative when the state has a single (at-large) district.

    One query for the ZIP's districts, then the offices of the state and of those districts
    from the lookup cache (officials/cache.py), or three more queries when they are not
    cached. With use_cache=False: four queries (five for a ZIP missing from the table).
    """
    zip5 = normalise_zip(zip_code)
    token = officials_cache.generation() if use_cache else ""
    districts = _zip_districts(zip5=zip5, token=token)
    missing = not districts
    if districts:
        # A ZIP that crosses a state line: its first row's state (the caller may choose a district).
        chosen = next((d for d in districts if d.ocd_id == district_ocd_id), None) if district_ocd_id else None
        state = chosen.state if chosen else districts[0].state
    else:
        chosen = None
        state = state_for_zip(zip5)
        if state:
            # An at-large state or territory has one district: the representative is known anyway.
            if token:
                current = [
                    d
                    for d in officials_cache.divisions_by_id(token=token).values()
                    if d.state == state and d.kind == Division.Kind.CONGRESSIONAL_DISTRICT and d.valid_through is None
                ][:2]
            else:
                current = list(
                    Division.objects.filter(
                        state=state, kind=Division.Kind.CONGRESSIONAL_DISTRICT, valid_through__isnull=True
                    )[:2]
                )
            if len(current) == 1:
                districts = current
    house_districts = [chosen] if chosen else districts
    entries = _entries_for_state_and_districts(state=state, districts=house_districts, token=token)
    return OfficialsLookup(
        zip5=zip5,
        state=state,
        districts=districts,
        chosen_district=chosen,
        entries=entries,
        missing_from_table=missing,
    )


def _zip_districts(*, zip5: str, token: str) -> list[Division]:
    """The congressional districts a ZIP touches, by OCD id."""
    if not token:
        rows = ZipDivision.objects.in_force().filter(zcta=zip5).select_related("division").order_by("division__ocd_id")
        return [row.division for row in rows]
    # No join: one index scan on zcta, and the divisions from the per-process map.
    divisions = officials_cache.divisions_by_id(token=token)
    zip_map = officials_cache.zip_map_in_force(token=token)
    ids = ZipDivision.objects.of_map(zip_map).filter(zcta=zip5).values_list("division_id", flat=True)
    found = [divisions.get(pk) for pk in ids]
    if None in found:  # a division newer than the map: read them properly
        return _zip_districts(zip5=zip5, token="")
    return sorted(found, key=lambda d: d.ocd_id)


def _entries_for_state_and_districts(*, state, districts, token: str) -> list[OfficialEntry]:
    if not state:
        return []
    division_ids = [d.pk for d in districts]
    if not token:
        offices = Office.objects.filter(is_active=True).filter(
            Q(division__state=state, division__kind__in=STATE_LEVEL_KINDS) | Q(division__in=division_ids)
        )
        return _entries_for_offices(offices)

    state_key, district_keys = officials_cache.entry_keys(token=token, state=state, division_ids=division_ids)
    found = officials_cache.get_many([state_key, *district_keys], token=token)
    want_state = state_key not in found
    want_ids = [pk for pk, key in zip(division_ids, district_keys, strict=True) if key not in found]
    if want_state or want_ids:
        condition = Q(division__in=want_ids)
        if want_state:
            condition |= Q(division__state=state, division__kind__in=STATE_LEVEL_KINDS)
        fresh = _entries_for_offices(Office.objects.filter(is_active=True).filter(condition))
        by_key: dict[str, list[OfficialEntry]] = {}
        if want_state:
            by_key[state_key] = [e for e in fresh if e.office.division_id not in division_ids]
        for pk, key in zip(division_ids, district_keys, strict=True):
            if pk in want_ids:
                by_key[key] = [e for e in fresh if e.office.division_id == pk]
        officials_cache.set_many(by_key, token=token)
        found.update(by_key)
    # Copies of the cached entries: a caller may set attributes on its own list without
    # touching another request's.
    entries = [replace(entry) for key in [state_key, *district_keys] for entry in found.get(key, [])]
    entries.sort(key=lambda e: (ROLE_ORDER.index(e.role), e.office.seat, e.office.title))
    return entries


def office_list():
    """Active public offices (no chapter's target list), for the API list; callers turn a page of them into entries with office_entries."""
    return (
        Office.objects.public()
        .filter(is_active=True)
        .select_related("division")
        .order_by("role", "division__ocd_id", "seat", "pk")
    )


def office_entry(*, office_id: int) -> OfficialEntry | None:
    entries = _entries_for_offices(Office.objects.public().filter(pk=office_id))
    return entries[0] if entries else None


def office_ids_for_caller(*, zip_code: str, district_ocd_id: str = "") -> frozenset[int] | None:
    """The offices whose constituent the holder of this ZIP (and chosen district) is; None without a valid ZIP.

    Where the ZIP is split and no district was chosen, every candidate district's office is the
    caller's. Answered from the lookup cache: one query for the ZIP's districts when it is warm.
    """
    if not zip_code:
        return None
    try:
        lookup = officials_for_zip(zip_code=zip_code, district_ocd_id=district_ocd_id or "")
    except InvalidZipCode:
        return None
    return frozenset(entry.office.pk for entry in lookup.entries)


# ------------------------------------------------------------------------------
# How fresh the data is
# ------------------------------------------------------------------------------
LAST_REFRESH_CACHE_KEY = "officials:last-refresh"
STALE_AFTER_DAYS = 14


def officials_last_refreshed() -> datetime.datetime | None:
    """When the last refresh that saved its work finished (cached; every refresh clears it)."""
    found = cache.get(LAST_REFRESH_CACHE_KEY)
    if found is not None:
        return found or None
    value = (
        RefreshRun.objects.filter(status=RefreshRun.Status.SUCCEEDED, dry_run=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    cache.set(LAST_REFRESH_CACHE_KEY, value or "", 3600)
    return value


def officials_refresh_overdue(*, now=None) -> bool:
    """No refresh has succeeded for STALE_AFTER_DAYS days (or ever)."""
    last = officials_last_refreshed()
    return last is None or (now or timezone.now()) - last > datetime.timedelta(days=STALE_AFTER_DAYS)


def officials_refresh_warning() -> str:
    """What staff are told when no refresh has succeeded for STALE_AFTER_DAYS days, or ""."""
    if not officials_refresh_overdue():
        return ""
    last = officials_last_refreshed()
    since = f"since {last:%Y-%m-%d}" if last else "yet"
    return (
        f"No refresh of the officials data has succeeded {since} (the limit is {STALE_AFTER_DAYS} days): "
        "callers may be sent to people who left office. Run `python manage.py refresh_officials` and check "
        "that Celery beat and a worker are running."
    )
