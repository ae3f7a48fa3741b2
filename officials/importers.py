"""Importers for the public officials data (see ../shared/data/README.md).

Every importer reads a path or an http(s) URL, checks every row before it writes anything,
then writes in one transaction. Rows are upserted on their upstream ids (OCD division id,
bioguide id, Open States person id), so a second run with the same files changes nothing.
A malformed file raises ImportFileError naming the file, row, field and reason.

    python manage.py import_divisions ../shared/data/ocd-divisions/
    python manage.py import_congress ../shared/data/congress-legislators/
    python manage.py import_zip_districts ../shared/data/zip-districts/zccd.csv
    python manage.py import_state_executives ../shared/data/state-executives/state-executives.csv \\
        --governor-updates ../shared/data/state-executives/governor-updates-pr3367-unmerged.csv

A sample of zccd.csv (ZCTAs keep their leading zeros; district 0 is at-large):

    state_fips,state_abbr,zcta,cd
    29,MO,65101,3
    11,DC,20001,0

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
from .models import ContactPoint, ContactPointChange, Division, Office, OfficeRole, Person, Term, ZipDivision
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
    ):
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
        self.open_terms = list(
            Term.objects.filter(office__role__in=roles).current(on=timezone.localdate()).select_related("person")
        )
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
            if term.party != holding.party:
                term.party = holding.party
                term.save(update_fields=["party"])
                self.result.add("term", "updated")
            else:
                self.result.add("term", "unchanged")
            self.kept_terms.add(term.pk)
            return term
        for other in [t for t in self.open_terms if t.office_id == office.pk or t.person_id == person.pk]:
            # Someone else held this seat, or this person held another seat (House -> Senate).
            self._end(other, self._end_before(holding.start))
            self.open_terms.remove(other)
        term = Term.objects.create(
            person=person, office=office, start=holding.start, party=holding.party, source=self.source
        )
        self.open_terms.append(term)
        self.kept_terms.add(term.pk)
        self.result.add("term", "created")
        return term

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
# ZIP to congressional district (zccd.csv)
# ------------------------------------------------------------------------------
ZCCD_COLUMNS = ["state_fips", "state_abbr", "zcta", "cd"]


def import_zip_districts(*, source, dry_run: bool = False, progress: bool = False) -> ImportResult:
    result = ImportResult(name="zip districts", dry_run=dry_run)
    name = str(source)
    rows = _csv_rows(read_source(source), name, ZCCD_COLUMNS)
    divisions = dict(Division.objects.filter(kind=Division.Kind.CONGRESSIONAL_DISTRICT).values_list("ocd_id", "pk"))
    planned: dict[tuple[str, int], str] = {}
    for number, row in _progress(rows, desc="ZIP rows (checking)", progress=progress):
        zcta, state, cd = row["zcta"], row["state_abbr"].upper(), row["cd"]
        # Spreadsheets drop leading zeros (01001 -> 1001); a ZCTA is always 5 characters.
        if zcta.isdigit() and 3 <= len(zcta) < 5:
            zcta = zcta.zfill(5)
        if not (len(zcta) == 5 and zcta.isdigit()):
            raise ImportFileError(file=name, row=number, field="zcta", reason=f"{row['zcta']!r} is not a 5-digit ZCTA")
        if not STATE_RE.match(state):
            raise ImportFileError(
                file=name, row=number, field="state_abbr", reason=f"{row['state_abbr']!r} is not a USPS code"
            )
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
        existing = {
            (z, d): (pk, s) for pk, z, d, s in ZipDivision.objects.values_list("pk", "zcta", "division_id", "state")
        }
        to_create = [
            ZipDivision(zcta=z, division_id=d, state=s) for (z, d), s in planned.items() if (z, d) not in existing
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
class EndedRow:
    person_key: str
    role: str
    division_id: str
    end: datetime.date


def _plan_executives(source, *, roles: set[str], result: ImportResult, divisions: dict, today: datetime.date):
    name = str(source)
    rows = _csv_rows(read_source(source), name, None, required=EXECUTIVE_COLUMNS)
    state_names = {d.state: d.name for d in divisions.values() if d.kind in ("state", "territory", "district")}
    current: dict[tuple[str, str], PlannedHolding] = {}
    ended: list[EndedRow] = []
    for number, row in rows:
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
        if row["end_date_passed"] not in ("yes", "no", ""):
            raise ImportFileError(file=name, row=number, field="end_date_passed", reason="expected yes or no")
        # The curators flagged a few end dates ("end_date wrong: still in office", "end_date passed in
        # data; check whether reappointed"): keep those holders, and say so, rather than leave the seat empty.
        end_flagged = row["review_note"].lower().startswith("end_date")
        if end is not None and end < today and end_flagged:
            result.warnings.append(
                f"{name}, row {number}: kept {row['name']} as {row['role']} of {state} although the term "
                f"ended {end} ({row['review_note']}); verify"
            )
        if end is not None and end < today and not end_flagged:
            ended.append(EndedRow(person_key=person_key, role=role, division_id=division_id, end=end))
            result.add("row", "skipped (term ended)")
            continue
        where = f"{name}, row {number}"
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
                    source_key=f"openstates:{person_key}:phone",
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
                    source_key=f"openstates:{person_key}:form",
                    kind=ContactPoint.Kind.CONTACT_FORM,
                    value=row["contact_form"],
                    label="Contact form",
                    position=1,
                )
            )
        if row["email"]:
            contacts.append(
                PlannedContact(
                    source_key=f"openstates:{person_key}:email",
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
                    source_key=f"openstates:{person_key}:fax",
                    kind=ContactPoint.Kind.FAX,
                    value=fax,
                    label="Fax",
                    position=3,
                )
            )
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
            title=executive_title(role=role, state=state, state_name=state_names.get(state, state)),
            start=start,
            party=party,
            contacts=contacts,
            where=where,
        )
        key = (role, division_id)
        if key in current and current[key].person_key != person_key:
            previous = current[key]
            # Two current holders of one office: keep the one who started last.
            if (holding.start or datetime.date.min) < (previous.start or datetime.date.min):
                holding, previous = previous, holding
            result.warnings.append(
                f"{holding.where}: {holding.person_fields['name']} and {previous.person_fields['name']} both listed "
                f"as current {OfficeRole(role).label} for {state}; kept {holding.person_fields['name']}"
            )
        current[key] = holding
    return current, ended


def import_state_executives(
    *,
    source,
    governor_updates=None,
    roles: list[str] | None = None,
    dry_run: bool = False,
    progress: bool = False,
    snapshot_date: datetime.date | None = None,
) -> ImportResult:
    """Governors, attorneys general and secretaries of state; rows whose term has ended are skipped.

    `governor_updates` (the PR #3367 CSV, same shape) is read after the main file and wins
    for the offices it lists.
    """
    result = ImportResult(name="state executives", dry_run=dry_run)
    roles = set(roles or EXECUTIVE_ROLES.values())
    today = timezone.localdate()
    divisions = {d.ocd_id: d for d in Division.objects.all()}
    current, ended = _plan_executives(source, roles=roles, result=result, divisions=divisions, today=today)
    if governor_updates:
        updates, more_ended = _plan_executives(
            governor_updates, roles=roles, result=result, divisions=divisions, today=today
        )
        current.update(updates)
        ended.extend(more_ended)

    with officials_cache.batched(), transaction.atomic():
        writer = HoldingWriter(
            result=result,
            source=EXECUTIVES_SOURCE,
            person_key_field="openstates_id",
            roles=sorted(roles),
            end_date=default_end_date(snapshot_date),
            contact_prefix="openstates:",
        )
        listed_offices = set()
        for holding in _progress(list(current.values()), desc="state executives", progress=progress):
            office = writer.office(
                role=holding.role, division=divisions[holding.division_id], seat="", title=holding.title
            )
            listed_offices.add(office.pk)
            person = writer.person(holding.person_key, holding.person_fields)
            writer.hold(holding, office, person)
            for contact in holding.contacts:
                writer.contact(contact, office=office, person=person)
        current_keys = {h.person_key for h in current.values()}
        for row in ended:
            if row.person_key in current_keys:
                continue
            office = writer.offices.get((row.role, divisions[row.division_id].pk, ""))
            if office is not None:
                writer.end_person_on_office(person_key=row.person_key, office=office, on=row.end)
        # Only the offices this file speaks for: a hand-added holder elsewhere is left alone.
        writer.end_unlisted(office_ids=listed_offices)
        writer.retire_unseen_contacts(only_keys_with={f"openstates:{h.person_key}:" for h in current.values()})
        return _finish(result, dry_run)
