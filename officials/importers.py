"""Importers for the public officials data (see ../shared/data/README.md).

Every importer reads a path or an http(s) URL, checks every row before it writes anything,
then writes in one transaction. Rows are upserted on their upstream ids (OCD division id,
bioguide id, Open States person id), so a second run with the same files changes nothing.
A malformed file raises ImportFileError naming the file, row, field and reason.

    python manage.py import_divisions ../shared/data/ocd-divisions/
    python manage.py import_congress ../shared/data/congress-legislators/
    python manage.py import_zip_districts ../shared/data/zip-districts/zccd.csv [--effective 2027-01-03]
    python manage.py import_state_executives ../shared/data/state-executives/state-executives.csv \\
        --governor-updates ../shared/data/state-executives/governor-updates-pr3367-unmerged.csv

A sample of zccd.csv (ZCTAs keep their leading zeros; district 0 is at-large):

    state_fips,state_abbr,zcta,cd
    29,MO,65101,3
    11,DC,20001,0

The Open States YAML reader is officials/openstates.py; `refresh_officials` (officials/refresh.py)
runs them all.

History: a newer snapshot ends the terms of holders who left (on `snapshot_date`, else the
day before the import), starts terms for arrivals, retires contact points that disappeared
(is_active=False) and updates the ones that changed. Person rows are never deleted or merged,
so a CallLog keeps pointing at whoever held the office when the call was made.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from . import cache as officials_cache
from .models import (
    ContactPoint,
    ContactPointChange,
    Division,
    Office,
    OfficeRole,
    Person,
    Term,
    ZipDivision,
    ZipMap,
    zip_map_in_force,
)
from .phones import InvalidPhoneNumber, phone_normalise

PHOTO_URL = "https://theunitedstates.io/images/congress/225x275/{bioguide}.jpg"
STATE_RE = re.compile(r"^[A-Z]{2}$")
OCD_RE = re.compile(r"^ocd-division/country:us(/[a-z_]+:[a-z0-9_~.\-]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Territories' divisions are territory:xx, DC's is district:dc, the rest state:xx.
TERRITORIES = {"AS", "GU", "MP", "PR", "VI"}
CONGRESS_SOURCE = "congress"
EXECUTIVES_SOURCE = "state_executives"


# ------------------------------------------------------------------------------
# Results and errors
# ------------------------------------------------------------------------------
class ImportFileError(Exception):
    """A malformed file: nothing was written."""

    def __init__(self, *, file: str, row: int | str, field: str, reason: str):
        self.file, self.row, self.field, self.reason = file, row, field, reason
        super().__init__(f"{file}, row {row}, field {field!r}: {reason}")


@dataclass
class ImportResult:
    name: str
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)
    # (model, outcome) -> n, for the detailed line.
    detail: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    # ZIPs whose districts changed (import_zip_districts only), for the refresh's change report.
    zip_moves: list = field(default_factory=list)

    def add(self, model: str, outcome: str, n: int = 1) -> None:
        if n:
            self.counts[outcome] += n
            self.detail[(model, outcome)] += n

    @property
    def created(self) -> int:
        return self.counts["created"]

    @property
    def updated(self) -> int:
        return self.counts["updated"]

    @property
    def ended(self) -> int:
        return self.counts["ended"]

    @property
    def unchanged(self) -> int:
        return self.counts["unchanged"]

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.ended)

    def summary(self) -> str:
        prefix = "[dry run, nothing saved] " if self.dry_run else ""
        line = (
            f"{prefix}{self.name}: {self.created} created, {self.updated} updated, "
            f"{self.ended} ended, {self.unchanged} unchanged"
        )
        if not self.changed:
            line += " (nothing to change)"
        return line

    def detail_lines(self) -> list[str]:
        by_model: dict[str, list[str]] = defaultdict(list)
        for (model, outcome), n in sorted(self.detail.items()):
            by_model[model].append(f"{n} {outcome}")
        return [f"  {model}: {', '.join(parts)}" for model, parts in by_model.items()]


# ------------------------------------------------------------------------------
# Sources: a path or an http(s) URL
# ------------------------------------------------------------------------------
def is_url(source) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def read_source(source, *, optional: bool = False) -> bytes | None:
    """The bytes of a file or URL. With optional=True a missing one is None instead of an error."""
    if is_url(source):
        try:
            with urllib.request.urlopen(source, timeout=60) as response:  # noqa: S310 (scheme checked above)
                return response.read()
        except urllib.error.HTTPError as exc:
            if optional and exc.code == 404:
                return None
            raise ImportFileError(file=str(source), row=0, field="-", reason=f"HTTP {exc.code}") from exc
        except urllib.error.URLError as exc:
            raise ImportFileError(file=str(source), row=0, field="-", reason=f"cannot fetch: {exc.reason}") from exc
    path = Path(source)
    if not path.is_file():
        if optional:
            return None
        raise ImportFileError(file=str(source), row=0, field="-", reason="no such file")
    return path.read_bytes()


def join_source(base, name: str) -> str:
    if is_url(base):
        return urllib.parse.urljoin(base if base.endswith("/") else base + "/", name)
    return str(Path(base) / name)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file=name, row=0, field="-", reason="not UTF-8 text") from exc


def _csv_rows(data: bytes, name: str, expected: list[str] | None, *, required: list[str] | None = None):
    """(row number, dict) pairs. `expected` must be the header exactly; `required` a subset of it."""
    reader = csv.reader(io.StringIO(_decode(data, name)))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError(file=name, row=1, field="header", reason="the file is empty") from None
    if expected is not None and header != expected:
        raise ImportFileError(
            file=name, row=1, field="header", reason=f"expected columns {','.join(expected)}, got {','.join(header)}"
        )
    if required:
        missing = [c for c in required if c not in header]
        if missing:
            raise ImportFileError(file=name, row=1, field="header", reason=f"missing columns {', '.join(missing)}")
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(
                file=name, row=number, field="-", reason=f"{len(values)} values for {len(header)} columns"
            )
        rows.append((number, dict(zip(header, (v.strip() for v in values), strict=True))))
    return rows


def _progress(iterable, *, desc: str, progress: bool, total: int | None = None):
    return tqdm(iterable, desc=desc, total=total, disable=not progress, file=sys.stderr, leave=False)


def _parse_date(value: str, *, file: str, row, field: str) -> datetime.date | None:
    if not value:
        return None
    if not DATE_RE.match(value):
        raise ImportFileError(file=file, row=row, field=field, reason=f"{value!r} is not a YYYY-MM-DD date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImportFileError(file=file, row=row, field=field, reason=f"{value!r} is not a valid date") from None


def _phone(raw, *, result: ImportResult, where: str) -> str | None:
    """E.164, or None with a warning: a broken number is left out, never imported."""
    if not raw:
        return None
    try:
        return phone_normalise(str(raw))
    except InvalidPhoneNumber as exc:
        result.warnings.append(f"{where}: phone {exc}; left out")
        return None


def _finish(result: ImportResult, dry_run: bool) -> ImportResult:
    if dry_run:
        transaction.set_rollback(True)
    elif result.changed:
        officials_cache.invalidate()  # bulk writes send no signals
        transaction.on_commit(_analyze)
    return result


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so lookups use the indexes at once."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Division, Office, Person, Term, ContactPoint, ZipDivision):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def default_end_date(snapshot_date: datetime.date | None) -> datetime.date:
    return snapshot_date or (timezone.localdate() - datetime.timedelta(days=1))


# ------------------------------------------------------------------------------
# Divisions
# ------------------------------------------------------------------------------
DIVISION_FILES = {
    "us-states.csv": None,  # no header: id,name
    "us-territories.csv": ["id", "name", "sameAs", "validFrom", "validThrough"],
    "us-congressional-districts.csv": ["id", "name", "census_geoid", "validThrough"],
}


def division_fields(ocd_id: str) -> tuple[str, str, str | None]:
    """(kind, USPS state code, parent ocd id) from an OCD id."""
    parts = ocd_id.split("/")[1:]  # drop "ocd-division"
    last_type = parts[-1].split(":")[0]
    state = ""
    for part in parts[1:]:
        kind, _, code = part.partition(":")
        if kind in ("state", "territory", "district") and len(code) == 2:
            state = code.upper()
            break
    kind = {
        "country": Division.Kind.COUNTRY,
        "state": Division.Kind.STATE,
        "territory": Division.Kind.TERRITORY,
        "district": Division.Kind.DISTRICT,
        "cd": Division.Kind.CONGRESSIONAL_DISTRICT,
        "sldu": Division.Kind.STATE_UPPER,
        "sldl": Division.Kind.STATE_LOWER,
    }.get(last_type, Division.Kind.OTHER)
    parent = "/".join(["ocd-division", *parts[:-1]]) if len(parts) > 1 else None
    return kind, state, parent


def import_divisions(*, source, dry_run: bool = False, progress: bool = False) -> ImportResult:
    result = ImportResult(name="divisions", dry_run=dry_run)
    planned: dict[str, dict] = {}
    for filename, expected in DIVISION_FILES.items():
        name = join_source(source, filename)
        data = read_source(name)
        if expected is None:
            rows = []
            for number, values in enumerate(csv.reader(io.StringIO(_decode(data, name))), start=1):
                if not values:
                    continue
                if len(values) != 2:
                    raise ImportFileError(
                        file=name, row=number, field="-", reason=f"expected 2 columns (id,name), got {len(values)}"
                    )
                rows.append((number, {"id": values[0].strip(), "name": values[1].strip()}))
        else:
            rows = _csv_rows(data, name, expected)
        for number, row in rows:
            ocd_id = row["id"]
            if not OCD_RE.match(ocd_id):
                raise ImportFileError(file=name, row=number, field="id", reason=f"{ocd_id!r} is not an OCD division id")
            if not row["name"]:
                raise ImportFileError(file=name, row=number, field="name", reason="empty")
            valid_through = _parse_date(row.get("validThrough", ""), file=name, row=number, field="validThrough")
            kind, state, parent = division_fields(ocd_id)
            planned[ocd_id] = {
                "name": row["name"][:200],
                "kind": kind,
                "state": state,
                "valid_through": valid_through,
                "parent": parent,
            }

    with officials_cache.batched(), transaction.atomic():
        existing = {d.ocd_id: d for d in Division.objects.all()}
        # Parents first, so every parent exists when its children are written.
        for ocd_id in _progress(
            sorted(planned, key=lambda i: i.count("/")), desc="divisions", progress=progress, total=len(planned)
        ):
            values = planned[ocd_id]
            parent = existing.get(values["parent"]) if values["parent"] else None
            fields = {k: v for k, v in values.items() if k != "parent"} | {"parent": parent}
            division = existing.get(ocd_id)
            if division is None:
                existing[ocd_id] = Division.objects.create(ocd_id=ocd_id, **fields)
                result.add("division", "created")
                continue
            changed = [
                k
                for k, v in fields.items()
                if (division.parent_id != (v.pk if v else None) if k == "parent" else getattr(division, k) != v)
            ]
            if changed:
                for k in changed:
                    setattr(division, k, fields[k])
                division.save(update_fields=changed)
                result.add("division", "updated")
            else:
                result.add("division", "unchanged")
        return _finish(result, dry_run)


# ------------------------------------------------------------------------------
# Titles
# ------------------------------------------------------------------------------
def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _place(state_name: str) -> str:
    return f"the {state_name}" if state_name in ("District of Columbia", "US Virgin Islands") else state_name


def house_title(*, state: str, state_name: str, district: int) -> str:
    if state == "PR":
        return "Resident Commissioner for Puerto Rico"
    if state == "DC" or state in TERRITORIES:
        return f"Delegate to Congress for {_place(state_name)}"
    if district == 0:
        return f"U.S. Representative for {state_name} (at large)"
    return f"U.S. Representative for {state_name}'s {_ordinal(district)} district"


def executive_title(*, role: str, state: str, state_name: str) -> str:
    if role == OfficeRole.GOVERNOR and state == "DC":
        return "Mayor of the District of Columbia"
    return f"{OfficeRole(role).label} of {_place(state_name)}"


def state_division_id(state: str) -> str:
    if state == "DC":
        return "ocd-division/country:us/district:dc"
    if state in TERRITORIES:
        return f"ocd-division/country:us/territory:{state.lower()}"
    return f"ocd-division/country:us/state:{state.lower()}"


def district_division_id(state: str, district: int) -> str:
    return f"{state_division_id(state)}/cd:{'at-large' if district == 0 else district}"


# ------------------------------------------------------------------------------
# Shared writing: people, offices, terms, contact points
# ------------------------------------------------------------------------------
@dataclass
class PlannedContact:
    source_key: str
    kind: str
    value: str
    label: str = ""
    address: str = ""
    hours: str = ""
    is_capitol: bool = False
    position: int = 0


@dataclass
class PlannedHolding:
    """One person holding one office, as a snapshot says."""

    person_key: str  # bioguide or Open States id
    person_fields: dict
    role: str
    division_id: str  # OCD id
    seat: str
    title: str
    start: datetime.date | None
    party: str
    contacts: list[PlannedContact]
    where: str  # file and row, for messages
    end: datetime.date | None = None  # the scheduled last day, when the data knows it


class HoldingWriter:
    """Writes planned holdings: upserts people and offices, moves terms, syncs contact points.

    Everything it may touch is loaded up front, so a run that changes nothing costs a
    handful of queries whatever the size of the file.
    """

    def __init__(
        self,
        *,
        result: ImportResult,
        source: str,
        person_key_field: str,
        roles: list[str],
        end_date: datetime.date,
        contact_prefix: str,
        knows_term_ends: bool = False,
    ):
        # True when the source gives every term's scheduled end (executives); Congress files leave
        # a current term's end to the next snapshot, so an end staff set by hand is not cleared.
        self.knows_term_ends = knows_term_ends
        self.result = result
        self.source = source
        self.key_field = person_key_field
        self.roles = roles
        self.end_date = end_date
        self.contact_prefix = contact_prefix
        self.divisions = {d.ocd_id: d for d in Division.objects.all()}
        self.people = {
            getattr(p, person_key_field): p for p in Person.objects.filter(**{f"{person_key_field}__isnull": False})
        }
        self.offices = {(o.role, o.division_id, o.seat): o for o in Office.objects.filter(role__in=roles)}
        self.today = timezone.localdate()
        self.open_terms = list(
            Term.objects.filter(office__role__in=roles).current(on=self.today).select_related("person")
        )
        # Terms that start later (a successor imported ahead of the change-over).
        self.future_terms = list(Term.objects.filter(office__role__in=roles, start__gt=self.today))
        # Contact points this importer owns, by upstream key.
        self.contacts = {
            cp.source_key: cp
            for cp in ContactPoint.objects.filter(source_key__startswith=contact_prefix, is_active=True)
        }
        # A value staff corrected by hand is kept over the upstream one.
        self.staff_fixed = set(
            ContactPointChange.objects.filter(changed_by__isnull=False, field="value").values_list(
                "contact_point_id", flat=True
            )
        )
        self.seen_contacts: set[str] = set()
        self.kept_terms: set[int] = set()

    # -- offices ----------------------------------------------------------------
    def office(self, *, role: str, division: Division, seat: str, title: str) -> Office:
        key = (role, division.pk, seat)
        office = self.offices.get(key)
        if office is None:
            office = Office.objects.create(role=role, division=division, seat=seat, title=title)
            self.offices[key] = office
            self.result.add("office", "created")
        elif office.title != title or not office.is_active:
            office.title, office.is_active = title, True
            office.save(update_fields=["title", "is_active"])
            self.result.add("office", "updated")
        else:
            self.result.add("office", "unchanged")
        return office

    # -- people -----------------------------------------------------------------
    def person(self, key: str, fields: dict) -> Person:
        person = self.people.get(key)
        if person is None:
            person = Person.objects.create(**{self.key_field: key}, **fields)
            self.people[key] = person
            self.result.add("person", "created")
            return person
        changed = [k for k, v in fields.items() if getattr(person, k) != v]
        if changed:
            for k in changed:
                setattr(person, k, fields[k])
            person.save(update_fields=changed)
            self.result.add("person", "updated")
        else:
            self.result.add("person", "unchanged")
        return person

    # -- terms ------------------------------------------------------------------
    def _end(self, term: Term, on: datetime.date) -> None:
        term.end = max(on, term.start) if term.start else on
        term.save(update_fields=["end"])
        self.result.add("term", "ended")
        # The holder's own contact points for that office go with them.
        for cp in ContactPoint.objects.filter(office=term.office, person=term.person, is_active=True):
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            self.contacts.pop(cp.source_key, None)
            self.result.add("contact point", "ended")

    def hold(self, holding: PlannedHolding, office: Office, person: Person) -> Term:
        """Make `person` the current holder of `office`, ending whoever held it (or held another seat)."""
        term = next((t for t in self.open_terms if t.office_id == office.pk and t.person_id == person.pk), None)
        if term is not None:
            if self.knows_term_ends:
                self._update_term(term, party=holding.party, end=holding.end)
            else:
                self._update_term(term, party=holding.party)
            self.kept_terms.add(term.pk)
            return term
        for other in [t for t in self.open_terms if t.office_id == office.pk or t.person_id == person.pk]:
            # Someone else held this seat, or this person held another seat (House -> Senate).
            self._end(other, self._end_before(holding.start))
            self.open_terms.remove(other)
        term = Term.objects.create(
            person=person, office=office, start=holding.start, end=holding.end, party=holding.party, source=self.source
        )
        self.open_terms.append(term)
        self.kept_terms.add(term.pk)
        self.result.add("term", "created")
        return term

    def _update_term(self, term: Term, **values) -> None:
        changed = [k for k, v in values.items() if getattr(term, k) != v]
        for k in changed:
            setattr(term, k, values[k])
        if changed:
            term.save(update_fields=changed)
        self.result.add("term", "updated" if changed else "unchanged")

    def hold_from(self, holding: PlannedHolding, office: Office, person: Person) -> Term:
        """A term that starts later: stored now, current from its first day.

        Whoever holds the office then leaves the day before, unless the data ends them earlier.
        """
        last_day = holding.start - datetime.timedelta(days=1)
        for other in self.open_terms:
            if (
                other.office_id == office.pk
                and other.person_id != person.pk
                and (other.end is None or other.end > last_day)
            ):
                other.end = max(last_day, other.start) if other.start else last_day
                other.save(update_fields=["end"])
                self.result.add("term", "updated")
        term = next((t for t in self.future_terms if t.office_id == office.pk and t.person_id == person.pk), None)
        if term is not None:
            self._update_term(term, start=holding.start, end=holding.end, party=holding.party)
        else:
            term = Term.objects.create(
                person=person,
                office=office,
                start=holding.start,
                end=holding.end,
                party=holding.party,
                source=self.source,
            )
            self.future_terms.append(term)
            self.result.add("term", "created")
        self.kept_terms.add(term.pk)
        return term

    def drop_unlisted_future(self, *, office_ids: set[int]) -> None:
        """Forget terms that were to start later and that the data no longer lists: they never began."""
        for term in list(self.future_terms):
            if term.pk not in self.kept_terms and term.office_id in office_ids:
                term.delete()
                self.future_terms.remove(term)
                self.result.add("term", "ended")

    def adopt_person_contacts(self, *, office: Office, contacts: list[PlannedContact]) -> None:
        """Earlier imports stored an executive's lines on the person; they become the office's.

        Keeping the row (rather than retiring it and making a new one) keeps its reports and a
        number staff corrected.
        """
        for planned in contacts:
            if planned.source_key in self.contacts:
                continue
            old = next(
                (
                    cp
                    for key, cp in self.contacts.items()
                    if key.startswith("openstates:ocd-person/")
                    and cp.office_id == office.pk
                    and cp.kind == planned.kind
                ),
                None,
            )
            if old is None:
                continue
            del self.contacts[old.source_key]
            old.source_key, old.person = planned.source_key, None
            old.save(update_fields=["source_key", "person", "updated_at"])
            self.contacts[planned.source_key] = old
            self.result.add("contact point", "updated")

    def _end_before(self, start: datetime.date | None) -> datetime.date:
        """The last day of the outgoing term: the day before the arrival started, if that is known and earlier."""
        if start is not None:
            return min(self.end_date, start - datetime.timedelta(days=1))
        return self.end_date

    def end_unlisted(self, *, office_ids: set[int] | None = None) -> None:
        """End open terms the snapshot no longer lists (only on `office_ids` when given)."""
        for term in list(self.open_terms):
            if term.pk in self.kept_terms:
                continue
            if office_ids is not None and term.office_id not in office_ids:
                continue
            self._end(term, self.end_date)
            self.open_terms.remove(term)

    def end_person_on_office(self, *, person_key: str, office: Office, on: datetime.date) -> None:
        person = self.people.get(person_key)
        if person is None:
            return
        for term in [t for t in self.open_terms if t.office_id == office.pk and t.person_id == person.pk]:
            self._end(term, on)
            self.open_terms.remove(term)

    # -- contact points ---------------------------------------------------------
    def contact(self, planned: PlannedContact, *, office: Office, person: Person | None) -> None:
        self.seen_contacts.add(planned.source_key)
        cp = self.contacts.get(planned.source_key)
        fields = {
            "office": office,
            "person": person,
            "kind": planned.kind,
            "value": planned.value,
            "label": planned.label[:200],
            "address": planned.address[:500],
            "hours": planned.hours[:200],
            "is_capitol": planned.is_capitol,
            "position": planned.position,
        }
        if cp is not None and (cp.office_id != office.pk or cp.kind != planned.kind):
            # The holder moved to another office (House -> Senate): the old line is history.
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            self.result.add("contact point", "ended")
            cp = None
        if cp is None:
            self.contacts[planned.source_key] = ContactPoint.objects.create(source_key=planned.source_key, **fields)
            self.result.add("contact point", "created")
            return
        if cp.pk in self.staff_fixed:
            fields.pop("value")
        changed = [
            k
            for k, v in fields.items()
            if (getattr(cp, f"{k}_id") != (v.pk if v else None) if k in ("office", "person") else getattr(cp, k) != v)
        ]
        if not changed:
            self.result.add("contact point", "unchanged")
            return
        if "value" in changed:
            ContactPointChange.objects.create(
                contact_point=cp, changed_by=None, field="value", old_value=cp.value, new_value=planned.value
            )
        for k in changed:
            setattr(cp, k, fields[k])
        cp.save(update_fields=[*changed, "updated_at"])
        self.result.add("contact point", "updated")

    def retire_unseen_contacts(self, *, only_keys_with: set[str] | None = None) -> None:
        for key, cp in list(self.contacts.items()):
            if key in self.seen_contacts:
                continue
            if only_keys_with is not None and not any(key.startswith(p) for p in only_keys_with):
                continue
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            del self.contacts[key]
            self.result.add("contact point", "ended")


# ------------------------------------------------------------------------------
# Congress (unitedstates/congress-legislators)
# ------------------------------------------------------------------------------
def _load_structured(base, stem: str, *, optional: bool = False) -> tuple[str, list] | None:
    """legislators-*.json, else .yaml (the older snapshot is YAML only)."""
    for ext in ("json", "yaml"):
        name = join_source(base, f"{stem}.{ext}")
        data = read_source(name, optional=True)
        if data is None:
            continue
        text = _decode(data, name)
        try:
            if ext == "json":
                records = json.loads(text)
            else:
                import yaml

                loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
                # YAML turns dates into date objects; the JSON files have strings.
                records = json.loads(json.dumps(loaded, default=str))
        except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError
            raise ImportFileError(file=name, row=0, field="-", reason=f"cannot parse {ext.upper()}: {exc}") from exc
        if not isinstance(records, list):
            raise ImportFileError(file=name, row=0, field="-", reason="expected a list of records")
        return name, records
    if optional:
        return None
    raise ImportFileError(
        file=join_source(base, f"{stem}.json"), row=0, field="-", reason="neither .json nor .yaml found"
    )


def _congress_base(source) -> tuple[str, str]:
    """(directory or URL base, the legislators-current stem) for a DIR_OR_URL argument."""
    text = str(source)
    for ext in (".json", ".yaml", ".yml"):
        if text.endswith(ext):
            base, _, filename = text.rpartition("/")
            return base or ".", filename[: -len(ext)]
    return text, "legislators-current"


def _tenure_start(terms: list[dict]) -> str:
    """Start of the unbroken run of terms in the same seat that ends with the current one."""
    current = terms[-1]

    def same_seat(t):
        return (
            t.get("type") == current.get("type")
            and t.get("state") == current.get("state")
            and t.get("district") == current.get("district")
        )

    start = current.get("start", "")
    for term in reversed(terms[:-1]):
        if not same_seat(term) or term.get("end", "") < _day_before(start):
            break
        start = term.get("start", start)
    return start


def _day_before(value: str) -> str:
    try:
        return (datetime.date.fromisoformat(value) - datetime.timedelta(days=7)).isoformat()
    except ValueError:
        return value


def plan_congress(source, *, result: ImportResult) -> list[PlannedHolding]:
    base, stem = _congress_base(source)
    name, records = _load_structured(base, stem)
    offices_file = _load_structured(base, "legislators-district-offices", optional=True)
    social_file = _load_structured(base, "legislators-social-media", optional=True)
    if offices_file is None:
        result.warnings.append(
            f"{join_source(base, 'legislators-district-offices.json')}: not found; no district offices"
        )
    divisions = {d.ocd_id: d for d in Division.objects.all()}
    state_names = {d.state: d.name for d in divisions.values() if d.kind in ("state", "territory", "district")}

    district_offices: dict[str, list[dict]] = {}
    if offices_file:
        offices_name, office_records = offices_file
        for number, record in enumerate(office_records, start=1):
            bioguide = (record.get("id") or {}).get("bioguide") if isinstance(record, dict) else None
            if not bioguide:
                raise ImportFileError(file=offices_name, row=number, field="id.bioguide", reason="missing")
            for office in record.get("offices") or []:
                if not office.get("id"):
                    raise ImportFileError(file=offices_name, row=number, field="offices[].id", reason="missing")
            district_offices[bioguide] = record.get("offices") or []
    social: dict[str, dict] = {}
    if social_file:
        social_name, social_records = social_file
        for number, record in enumerate(social_records, start=1):
            bioguide = (record.get("id") or {}).get("bioguide") if isinstance(record, dict) else None
            if not bioguide:
                raise ImportFileError(file=social_name, row=number, field="id.bioguide", reason="missing")
            social[bioguide] = {
                k: v
                for k, v in (record.get("social") or {}).items()
                if k in ("twitter", "facebook", "instagram", "youtube", "mastodon")
            }

    planned = []
    seen = set()
    for number, record in enumerate(records, start=1):
        where = f"{name}, record {number}"
        if not isinstance(record, dict):
            raise ImportFileError(file=name, row=number, field="-", reason="not a mapping")
        bioguide = (record.get("id") or {}).get("bioguide")
        if not bioguide:
            raise ImportFileError(file=name, row=number, field="id.bioguide", reason="missing")
        if bioguide in seen:
            raise ImportFileError(file=name, row=number, field="id.bioguide", reason=f"{bioguide} appears twice")
        seen.add(bioguide)
        terms = record.get("terms") or []
        if not terms:
            raise ImportFileError(file=name, row=number, field="terms", reason="no terms")
        term = terms[-1]
        kind = term.get("type")
        if kind not in ("sen", "rep"):
            raise ImportFileError(file=name, row=number, field="terms[-1].type", reason=f"{kind!r} is not sen or rep")
        state = term.get("state") or ""
        if not STATE_RE.match(state):
            raise ImportFileError(
                file=name, row=number, field="terms[-1].state", reason=f"{state!r} is not a USPS code"
            )
        start = str(term.get("start") or "")
        _parse_date(start, file=name, row=number, field="terms[-1].start")
        if kind == "sen":
            senate_class = term.get("class")
            if senate_class not in (1, 2, 3):
                raise ImportFileError(
                    file=name, row=number, field="terms[-1].class", reason=f"{senate_class!r} is not 1, 2 or 3"
                )
            role, seat, division_id = OfficeRole.US_SENATE, f"class-{senate_class}", state_division_id(state)
            title = f"U.S. Senator for {state_names.get(state, state)}"
        else:
            district = term.get("district")
            if not isinstance(district, int) or district < 0:
                raise ImportFileError(
                    file=name, row=number, field="terms[-1].district", reason=f"{district!r} is not a district number"
                )
            role, seat, division_id = OfficeRole.US_HOUSE, "", district_division_id(state, district)
            title = house_title(state=state, state_name=state_names.get(state, state), district=district)
        if division_id not in divisions:
            raise ImportFileError(
                file=name,
                row=number,
                field="terms[-1]",
                reason=f"unknown division {division_id}: run import_divisions first",
            )
        names = record.get("name") or {}
        full = names.get("official_full") or " ".join(p for p in (names.get("first"), names.get("last")) if p)
        if not full:
            raise ImportFileError(file=name, row=number, field="name", reason="no official_full, first or last name")
        ids = record.get("id") or {}
        person_fields = {
            "name": full[:200],
            "given_name": (names.get("nickname") or names.get("first") or "")[:100],
            "family_name": (names.get("last") or "")[:100],
            "party": (term.get("party") or "")[:50],
            "photo_url": PHOTO_URL.format(bioguide=bioguide),
            "wikidata_id": (ids.get("wikidata") or "")[:20],
            "social": social.get(bioguide, {}),
        }
        contacts = []
        dc_phone = _phone(term.get("phone"), result=result, where=f"{where} ({full}) terms[-1].phone")
        if dc_phone:
            contacts.append(
                PlannedContact(
                    source_key=f"congress:{bioguide}:dc-phone",
                    kind=ContactPoint.Kind.PHONE,
                    value=dc_phone,
                    label="Washington DC office",
                    address=term.get("address") or term.get("office") or "",
                    is_capitol=True,
                )
            )
        if term.get("contact_form"):
            contacts.append(
                PlannedContact(
                    source_key=f"congress:{bioguide}:contact-form",
                    kind=ContactPoint.Kind.CONTACT_FORM,
                    value=term["contact_form"],
                    label="Contact form",
                    position=1,
                )
            )
        for position, office in enumerate(district_offices.get(bioguide, []), start=2):
            city = str(office.get("city") or "")
            address = ", ".join(
                str(p)
                for p in (
                    office.get("building"),
                    office.get("address"),
                    office.get("suite"),
                    city,
                    f"{office.get('state', '')} {office.get('zip', '')}".strip(),
                )
                if p
            )
            phone = _phone(office.get("phone"), result=result, where=f"district office {office['id']} ({full})")
            contacts.append(
                PlannedContact(
                    source_key=f"congress:{office['id']}",
                    kind=ContactPoint.Kind.PHONE if phone else ContactPoint.Kind.POSTAL,
                    value=phone or address or city,
                    label=f"{city} district office" if city else "District office",
                    address=address,
                    hours=office.get("hours") or "",
                    position=position,
                )
            )
        planned.append(
            PlannedHolding(
                person_key=bioguide,
                person_fields=person_fields,
                role=role,
                division_id=division_id,
                seat=seat,
                title=title,
                start=datetime.date.fromisoformat(_tenure_start(terms)) if start else None,
                party=person_fields["party"],
                contacts=contacts,
                where=where,
            )
        )
    seats = Counter((h.role, h.division_id, h.seat) for h in planned)
    for key, n in seats.items():
        if n > 1:
            holding = next(h for h in reversed(planned) if (h.role, h.division_id, h.seat) == key)
            raise ImportFileError(
                file=name,
                row=holding.where.rsplit(" ", 1)[-1],
                field="terms[-1]",
                reason=f"{n} members hold the seat {key[1]} {key[2]}".strip(),
            )
    return planned


def import_congress(
    *,
    source,
    dry_run: bool = False,
    progress: bool = False,
    snapshot_date: datetime.date | None = None,
) -> ImportResult:
    result = ImportResult(name="congress", dry_run=dry_run)
    planned = plan_congress(source, result=result)
    roles = [OfficeRole.US_SENATE, OfficeRole.US_HOUSE]
    with officials_cache.batched(), transaction.atomic():
        writer = HoldingWriter(
            result=result,
            source=CONGRESS_SOURCE,
            person_key_field="bioguide_id",
            roles=roles,
            end_date=default_end_date(snapshot_date),
            contact_prefix="congress:",
        )
        state_names = {
            d.state: d.name for d in writer.divisions.values() if d.kind in ("state", "territory", "district")
        }
        held = set()
        for holding in _progress(planned, desc="members of Congress", progress=progress):
            division = writer.divisions[holding.division_id]
            office = writer.office(role=holding.role, division=division, seat=holding.seat, title=holding.title)
            held.add(office.pk)
            person = writer.person(holding.person_key, holding.person_fields)
            writer.hold(holding, office, person)
            for contact in holding.contacts:
                writer.contact(contact, office=office, person=person)
        writer.end_unlisted()
        writer.retire_unseen_contacts()
        # A seat nobody holds is still a seat: a caller in a vacant district sees "vacant".
        for division in writer.divisions.values():
            if division.kind != Division.Kind.CONGRESSIONAL_DISTRICT or division.valid_through is not None:
                continue
            key = (OfficeRole.US_HOUSE, division.pk, "")
            if key not in writer.offices:
                state = division.state
                district = division.ocd_id.rsplit(":", 1)[-1]
                title = house_title(
                    state=state,
                    state_name=state_names.get(state, state),
                    district=0 if district == "at-large" else int(district),
                )
                writer.offices[key] = Office.objects.create(
                    role=OfficeRole.US_HOUSE, division=division, seat="", title=title
                )
                result.add("office", "created")
        return _finish(result, dry_run)


# ------------------------------------------------------------------------------
# ZIP to congressional district (zccd.csv, or the Census ZCTA relationship file)
# ------------------------------------------------------------------------------
ZCCD_COLUMNS = ["state_fips", "state_abbr", "zcta", "cd"]
STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP",
    "72": "PR", "78": "VI",
}  # fmt: skip


def _census_zip_rows(text: str, name: str):
    """(row, zcta, state, district) from the Census ZCTA-to-district relationship file (pipe-delimited).

    The district column carries the Congress number (GEOID_CD119_20), so it is found by prefix.
    Water-only and undefined parts (district ZZ, no ZCTA, no land area) are dropped.
    """
    reader = csv.reader(io.StringIO(text), delimiter="|")
    header = [h.strip() for h in next(reader)]
    cd_col = next((i for i, h in enumerate(header) if h.startswith("GEOID_CD")), None)
    zcta_col = next((i for i, h in enumerate(header) if h.startswith("GEOID_ZCTA5")), None)
    land_col = next((i for i, h in enumerate(header) if h == "AREALAND_PART"), None)
    if cd_col is None or zcta_col is None:
        raise ImportFileError(file=name, row=1, field="header", reason="no GEOID_CD* or GEOID_ZCTA5* column")
    out = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(
                file=name, row=number, field="-", reason=f"{len(values)} values for {len(header)} columns"
            )
        geoid, zcta = values[cd_col].strip(), values[zcta_col].strip()
        land = values[land_col].strip() if land_col is not None else ""
        if not zcta or geoid.upper().endswith("ZZ") or land == "0":
            continue
        if len(geoid) != 4 or not geoid.isdigit():
            raise ImportFileError(
                file=name, row=number, field=header[cd_col], reason=f"{geoid!r} is not a state and district"
            )
        state = STATE_FIPS.get(geoid[:2])
        if state is None:
            raise ImportFileError(
                file=name, row=number, field=header[cd_col], reason=f"unknown state FIPS code {geoid[:2]!r}"
            )
        district = int(geoid[2:])
        # 98 is the Census code for a delegate (DC, PR): the at-large seat.
        out.append((number, zcta, state, "0" if district in (0, 98) else str(district), header[zcta_col]))
    return out


def _zip_rows(data: bytes, name: str):
    """(row, zcta, state, district, zcta column name) from either format, told apart by the header."""
    text = _decode(data, name)
    if "|" in text.split("\n", 1)[0]:
        return _census_zip_rows(text, name)
    return [
        (number, row["zcta"], row["state_abbr"].upper(), row["cd"], "zcta")
        for number, row in _csv_rows(data, name, ZCCD_COLUMNS)
    ]


@dataclass
class ZipMove:
    zcta: str
    before: tuple[str, ...]  # OCD ids
    after: tuple[str, ...]
    effective: datetime.date | None


def _map_districts(zip_map: ZipMap | None) -> dict[str, set[int]]:
    by_zip: dict[str, set[int]] = defaultdict(set)
    for zcta, division_id in ZipDivision.objects.of_map(zip_map).values_list("zcta", "division_id"):
        by_zip[zcta].add(division_id)
    return by_zip


def import_zip_districts(
    *,
    source,
    effective: datetime.date | None = None,
    same_source: bool = False,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportResult:
    """Load a ZIP-to-district map: zccd.csv or the Census relationship file.

    With `effective`, the map takes effect on that day (the lookup switches by itself); loading
    the same date again replaces that map. Without it, the map in force today is replaced, or,
    with `same_source` (the scheduled refresh), the dated map last loaded from this source, else
    the undated one: a refresh of the old map never overwrites a newer one loaded ahead.
    `result.zip_moves` lists the ZIPs whose districts differ from the map in force before.
    """
    result = ImportResult(name="zip districts", dry_run=dry_run)
    name = str(source)
    rows = _zip_rows(read_source(source), name)
    divisions = dict(Division.objects.filter(kind=Division.Kind.CONGRESSIONAL_DISTRICT).values_list("ocd_id", "pk"))
    planned: dict[tuple[str, int], str] = {}
    for number, raw_zcta, state, cd, zcta_field in _progress(rows, desc="ZIP rows (checking)", progress=progress):
        zcta = raw_zcta
        # Spreadsheets drop leading zeros (01001 -> 1001); a ZCTA is always 5 characters.
        if zcta.isdigit() and 3 <= len(zcta) < 5:
            zcta = zcta.zfill(5)
        if not (len(zcta) == 5 and zcta.isdigit()):
            raise ImportFileError(file=name, row=number, field=zcta_field, reason=f"{raw_zcta!r} is not a 5-digit ZCTA")
        if not STATE_RE.match(state):
            raise ImportFileError(file=name, row=number, field="state_abbr", reason=f"{state!r} is not a USPS code")
        if not cd.isdigit():
            raise ImportFileError(file=name, row=number, field="cd", reason=f"{cd!r} is not a district number")
        ocd_id = district_division_id(state, int(cd))
        division_pk = divisions.get(ocd_id)
        if division_pk is None:
            raise ImportFileError(
                file=name, row=number, field="cd", reason=f"unknown district {ocd_id}: run import_divisions first"
            )
        planned[(zcta, division_pk)] = state

    with officials_cache.batched(), transaction.atomic():
        if effective is None:
            if same_source:
                zip_map = ZipMap.objects.filter(source=name[:500]).order_by("-effective_from").first()
            else:
                zip_map = zip_map_in_force()
            before_map = zip_map
        else:
            zip_map, created = ZipMap.objects.get_or_create(effective_from=effective, defaults={"source": name[:500]})
            if created:
                result.add("zip map", "created")
            before_map = zip_map if not created else zip_map_in_force(effective - datetime.timedelta(days=1))
        before = _map_districts(before_map)
        existing = {
            (z, d): (pk, s)
            for pk, z, d, s in ZipDivision.objects.of_map(zip_map).values_list("pk", "zcta", "division_id", "state")
        }
        to_create = [
            ZipDivision(zcta=z, division_id=d, state=s, zip_map=zip_map)
            for (z, d), s in planned.items()
            if (z, d) not in existing
        ]
        stale = [pk for key, (pk, _s) in existing.items() if key not in planned]
        moved = [(pk, planned[key]) for key, (pk, s) in existing.items() if key in planned and planned[key] != s]
        for start in _progress(range(0, len(to_create), 2000), desc="ZIP rows (writing)", progress=progress):
            ZipDivision.objects.bulk_create(to_create[start : start + 2000])
        for start in range(0, len(stale), 500):
            ZipDivision.objects.filter(pk__in=stale[start : start + 500]).delete()
        for pk, state in moved:
            ZipDivision.objects.filter(pk=pk).update(state=state)
        result.add("zip district", "created", len(to_create))
        result.add("zip district", "ended", len(stale))
        result.add("zip district", "updated", len(moved))
        result.add("zip district", "unchanged", len(planned) - len(to_create) - len(moved))
        after: dict[str, set[int]] = defaultdict(set)
        for zcta, division_pk in planned:
            after[zcta].add(division_pk)
        ocd = {pk: ocd_id for ocd_id, pk in divisions.items()}
        for zcta in sorted(set(before) | set(after)):
            if before.get(zcta, set()) != after.get(zcta, set()):
                result.zip_moves.append(
                    ZipMove(
                        zcta=zcta,
                        before=tuple(sorted(ocd.get(pk, str(pk)) for pk in before.get(zcta, ()))),
                        after=tuple(sorted(ocd.get(pk, str(pk)) for pk in after.get(zcta, ()))),
                        effective=zip_map.effective_from if zip_map else None,
                    )
                )
        return _finish(result, dry_run)


# ------------------------------------------------------------------------------
# State executives (state-executives.csv, derived from openstates/people)
# ------------------------------------------------------------------------------
EXECUTIVE_COLUMNS = [
    "state",
    "role",
    "name",
    "party",
    "start_date",
    "end_date",
    "end_date_passed",
    "phone",
    "fax",
    "address",
    "email",
    "website",
    "contact_form",
    "image",
    "ocd_person_id",
    "ocd_division_id",
    "review_note",
]
EXECUTIVE_ROLES = {
    "governor": OfficeRole.GOVERNOR,
    "attorney general": OfficeRole.ATTORNEY_GENERAL,
    "secretary of state": OfficeRole.SECRETARY_OF_STATE,
}
PARTY_NAMES = {"Democratic": "Democrat"}


@dataclass
class OfficePlan:
    """What a snapshot says about one executive office.

    `current` holds it today, `future` start later (a successor sworn in after an election),
    `ended` are holders whose term is over. The office's own contact points come from the
    current holder's record, else the next one's, else the latest ended one's: a capitol line
    belongs to the office, not to whoever holds it.
    """

    role: str
    division_id: str
    title: str
    current: PlannedHolding | None = None
    future: list[PlannedHolding] = field(default_factory=list)
    ended: list[EndedRow] = field(default_factory=list)

    @property
    def contacts(self) -> list[PlannedContact]:
        if self.current is not None:
            return self.current.contacts
        if self.future:
            return min(self.future, key=lambda h: h.start).contacts
        if self.ended:
            return max(self.ended, key=lambda e: e.end).contacts
        return []


@dataclass
class EndedRow:
    person_key: str
    role: str
    division_id: str
    end: datetime.date
    contacts: list[PlannedContact] = field(default_factory=list)


def office_contact_key(role: str, division_id: str, kind: str) -> str:
    return f"openstates:office:{role}:{division_id}:{kind}"


def _executive_contacts(row: dict, *, role: str, state: str, division_id: str, result, where: str):
    contacts = []
    phone = _phone(row["phone"], result=result, where=f"{where} ({row['name']}) phone")
    label = (
        "Office of the Mayor"
        if (role == OfficeRole.GOVERNOR and state == "DC")
        else f"Office of the {OfficeRole(role).label}"
    )
    if phone:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "phone"),
                kind=ContactPoint.Kind.PHONE,
                value=phone,
                label=label,
                address=row["address"].replace("; ;", ";").replace("; ", ", "),
                is_capitol=True,
            )
        )
    if row["contact_form"]:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "form"),
                kind=ContactPoint.Kind.CONTACT_FORM,
                value=row["contact_form"],
                label="Contact form",
                position=1,
            )
        )
    if row["email"]:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "email"),
                kind=ContactPoint.Kind.EMAIL,
                value=row["email"],
                label="Email",
                position=2,
            )
        )
    fax = _phone(row["fax"], result=result, where=f"{where} ({row['name']}) fax")
    if fax:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "fax"),
                kind=ContactPoint.Kind.FAX,
                value=fax,
                label="Fax",
                position=3,
            )
        )
    return contacts


def plan_executive_rows(
    rows, *, name: str, roles: set[str], result: ImportResult, divisions: dict, today: datetime.date
) -> dict[tuple[str, str], OfficePlan]:
    """Check executive rows (the state-executives.csv columns) and group them by office.

    `rows` are (row number, dict) pairs; the Open States YAML reader produces the same shape.
    """
    source_name = name
    state_names = {d.state: d.name for d in divisions.values() if d.kind in ("state", "territory", "district")}
    plans: dict[tuple[str, str], OfficePlan] = {}
    for number, row in rows:
        # Rows read from many files (Open States YAML) carry their own file name.
        name = row.get("_file", source_name)
        role = EXECUTIVE_ROLES.get(row["role"].lower())
        if role is None or role not in roles:
            result.add("row", "skipped (role not imported)")
            continue
        state = row["state"].upper()
        if not STATE_RE.match(state):
            raise ImportFileError(file=name, row=number, field="state", reason=f"{row['state']!r} is not a USPS code")
        if not row["name"]:
            raise ImportFileError(file=name, row=number, field="name", reason="empty")
        person_key = row["ocd_person_id"]
        if not person_key.startswith("ocd-person/"):
            raise ImportFileError(
                file=name, row=number, field="ocd_person_id", reason=f"{person_key!r} is not an ocd-person id"
            )
        division_id = row["ocd_division_id"]
        if division_id not in divisions:
            raise ImportFileError(
                file=name,
                row=number,
                field="ocd_division_id",
                reason=f"unknown division {division_id!r}: run import_divisions first",
            )
        start = _parse_date(row["start_date"], file=name, row=number, field="start_date")
        end = _parse_date(row["end_date"], file=name, row=number, field="end_date")
        if row.get("end_date_passed", "") not in ("yes", "no", ""):
            raise ImportFileError(file=name, row=number, field="end_date_passed", reason="expected yes or no")
        if start is not None and end is not None and end < start:
            raise ImportFileError(file=name, row=number, field="end_date", reason=f"{end} is before start {start}")
        where = f"{name}, row {number}"
        contacts = _executive_contacts(row, role=role, state=state, division_id=division_id, result=result, where=where)
        key = (role, division_id)
        plan = plans.get(key)
        if plan is None:
            title = executive_title(role=role, state=state, state_name=state_names.get(state, state))
            plan = plans[key] = OfficePlan(role=role, division_id=division_id, title=title)
        # The curators flagged a few end dates ("end_date wrong: still in office", "end_date passed in
        # data; check whether reappointed"): keep those holders, and say so, rather than leave the seat empty.
        end_flagged = row.get("review_note", "").lower().startswith("end_date")
        if end is not None and end < today and end_flagged:
            result.warnings.append(
                f"{name}, row {number}: kept {row['name']} as {row['role']} of {state} although the term "
                f"ended {end} ({row['review_note']}); verify"
            )
            end = None
        if end is not None and end < today:
            plan.ended.append(
                EndedRow(person_key=person_key, role=role, division_id=division_id, end=end, contacts=contacts)
            )
            result.add("row", "skipped (term ended)")
            continue
        given, _, family = row["name"].rpartition(" ")
        party = PARTY_NAMES.get(row["party"], row["party"])[:50]
        holding = PlannedHolding(
            person_key=person_key,
            person_fields={
                "name": row["name"][:200],
                "given_name": given.split(" ")[0][:100] if given else "",
                "family_name": family[:100],
                "party": party,
                "photo_url": row["image"][:500],
                "email": row["email"][:254],
            },
            role=role,
            division_id=division_id,
            seat="",
            title=plan.title,
            start=start,
            end=end,
            party=party,
            contacts=contacts,
            where=where,
        )
        if start is not None and start > today:
            plan.future = [h for h in plan.future if h.person_key != person_key] + [holding]
            continue
        previous = plan.current
        if previous is not None and previous.person_key != person_key:
            # Two current holders of one office: keep the one who started last.
            if (holding.start or datetime.date.min) < (previous.start or datetime.date.min):
                holding, previous = previous, holding
            result.warnings.append(
                f"{holding.where}: {holding.person_fields['name']} and {previous.person_fields['name']} both listed "
                f"as current {OfficeRole(role).label} for {state}; kept {holding.person_fields['name']}"
            )
        plan.current = holding
    return plans


def merge_executive_plans(main: dict, updates: dict) -> dict:
    """An updates file wins for the offices where it names a current or future holder."""
    merged = dict(main)
    for key, plan in updates.items():
        base = merged.get(key)
        if base is None or plan.current is not None or plan.future:
            if base is not None:
                plan.ended = base.ended + plan.ended
            merged[key] = plan
        else:
            base.ended = base.ended + plan.ended
    return merged


def _plan_executives(source, *, roles: set[str], result: ImportResult, divisions: dict, today: datetime.date):
    name = str(source)
    rows = _csv_rows(read_source(source), name, None, required=EXECUTIVE_COLUMNS)
    return plan_executive_rows(rows, name=name, roles=roles, result=result, divisions=divisions, today=today)


def write_executive_plans(
    plans: dict[tuple[str, str], OfficePlan],
    *,
    result: ImportResult,
    roles: set[str],
    divisions: dict,
    snapshot_date: datetime.date | None,
    progress: bool,
    source: str = EXECUTIVES_SOURCE,
) -> None:
    """Write planned executive offices: holders now and ahead, scheduled ends, the offices' own contact points."""
    writer = HoldingWriter(
        result=result,
        source=source,
        person_key_field="openstates_id",
        roles=sorted(roles),
        end_date=default_end_date(snapshot_date),
        contact_prefix="openstates:",
        knows_term_ends=True,
    )
    listed_offices = set()
    planned_offices = set()
    contact_prefixes = set()
    current_keys = {p.current.person_key for p in plans.values() if p.current is not None}
    for plan in _progress(list(plans.values()), desc="state executives", progress=progress):
        division = divisions[plan.division_id]
        if plan.current is None and not plan.future:
            # Only ended holders: the office keeps its numbers, but an office that was never
            # loaded is not made from history alone.
            office = writer.offices.get((plan.role, division.pk, ""))
            if office is None:
                continue
        else:
            office = writer.office(role=plan.role, division=division, seat="", title=plan.title)
        planned_offices.add(office.pk)
        contacts = plan.contacts
        writer.adopt_person_contacts(office=office, contacts=contacts)
        if plan.current is not None and plan.future:
            first_start = min(h.start for h in plan.future)
            last_day = first_start - datetime.timedelta(days=1)
            if plan.current.end is None or plan.current.end > last_day:
                plan.current.end = last_day
        if plan.current is not None:
            listed_offices.add(office.pk)
            person = writer.person(plan.current.person_key, plan.current.person_fields)
            writer.hold(plan.current, office, person)
        for holding in sorted(plan.future, key=lambda h: h.start):
            writer.hold_from(holding, office, writer.person(holding.person_key, holding.person_fields))
        for contact in contacts:
            writer.contact(contact, office=office, person=None)
        contact_prefixes.add(office_contact_key(plan.role, plan.division_id, ""))
        for row in plan.ended:
            if row.person_key not in current_keys:
                writer.end_person_on_office(person_key=row.person_key, office=office, on=row.end)
    # Only the offices this file speaks for: a hand-added holder elsewhere is left alone.
    writer.end_unlisted(office_ids=listed_offices)
    writer.drop_unlisted_future(office_ids=planned_offices)
    # Lines the snapshot no longer lists for these offices, and the per-holder lines of earlier versions.
    contact_prefixes |= {f"openstates:{key}:" for key in current_keys}
    writer.retire_unseen_contacts(only_keys_with=contact_prefixes)


def import_state_executives(
    *,
    source,
    governor_updates=None,
    roles: list[str] | None = None,
    dry_run: bool = False,
    progress: bool = False,
    snapshot_date: datetime.date | None = None,
) -> ImportResult:
    """Governors, attorneys general and secretaries of state from state-executives.csv.

    Terms keep their scheduled end; a term that starts later is stored now and takes effect on
    its first day; rows whose term has ended end it. `governor_updates` (the PR #3367 CSV, same
    shape) is read after the main file and wins for the offices it lists.
    """
    result = ImportResult(name="state executives", dry_run=dry_run)
    roles = set(roles or EXECUTIVE_ROLES.values())
    today = timezone.localdate()
    divisions = {d.ocd_id: d for d in Division.objects.all()}
    plans = _plan_executives(source, roles=roles, result=result, divisions=divisions, today=today)
    if governor_updates:
        updates = _plan_executives(governor_updates, roles=roles, result=result, divisions=divisions, today=today)
        plans = merge_executive_plans(plans, updates)
    with officials_cache.batched(), transaction.atomic():
        write_executive_plans(
            plans, result=result, roles=roles, divisions=divisions, snapshot_date=snapshot_date, progress=progress
        )
        return _finish(result, dry_run)
