"""Congress: unitedstates/congress-legislators (legislators-current, -district-offices, -social-media).

    python manage.py import_congress ../shared/data/congress-legislators/

Planning reads and checks the files (members and their seats, people, contact points), then
the shared writer stores them. A House seat nobody holds is still created, so a caller in a
vacant district sees "vacant".
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import transaction

from .. import cache as officials_cache
from ..models import ContactPoint, Division, Office, OfficeRole
from .common import (
    STATE_RE,
    ImportFileError,
    ImportResult,
    default_end_date,
    finish,
    parse_date,
    phone_or_warning,
    progress_bar,
)
from .ocd import district_division_id, house_title, state_division_id, state_names
from .sources import join_source, load_structured
from .writer import HoldingWriter, PlannedContact, PlannedHolding

PHOTO_URL = "https://theunitedstates.io/images/congress/225x275/{bioguide}.jpg"
CONGRESS_SOURCE = "congress"
SOCIAL_ACCOUNTS = ("twitter", "facebook", "instagram", "youtube", "mastodon")
# Terms in one seat separated by less than this are one tenure: a new term starts on
# January 3 while the last one ends that day or a few days earlier (the old snapshots differ).
TENURE_GAP = datetime.timedelta(days=7)


# ------------------------------------------------------------------------------
# Reading the files
# ------------------------------------------------------------------------------
def _congress_base(source) -> tuple[str, str]:
    """(directory or URL base, the legislators-current stem) for a DIR_OR_URL argument."""
    text = str(source)
    if text.endswith(".csv"):
        # The CSV export flattens terms away (no history, no district offices): it cannot be read.
        raise ImportFileError(
            file=text,
            row=0,
            field="-",
            reason="the CSV export is not read: give the folder, or legislators-current.json / .yaml",
        )
    for ext in (".json", ".yaml", ".yml"):
        if text.endswith(ext):
            base, _, filename = text.rpartition("/")
            return base or ".", filename[: -len(ext)]
    return text, "legislators-current"


def _bioguide(record, *, file: str, row: int) -> str:
    bioguide = (record.get("id") or {}).get("bioguide") if isinstance(record, dict) else None
    if not bioguide:
        raise ImportFileError(file=file, row=row, field="id.bioguide", reason="missing")
    return bioguide


def _district_offices(base, *, result: ImportResult) -> dict[str, list[dict]]:
    """bioguide -> the member's district offices (legislators-district-offices, optional)."""
    offices_file = load_structured(base, "legislators-district-offices", optional=True)
    if offices_file is None:
        result.warnings.append(
            f"{join_source(base, 'legislators-district-offices.json')}: not found; no district offices"
        )
        return {}
    name, records = offices_file
    by_member = {}
    for number, record in enumerate(records, start=1):
        bioguide = _bioguide(record, file=name, row=number)
        for office in record.get("offices") or []:
            if not office.get("id"):
                raise ImportFileError(file=name, row=number, field="offices[].id", reason="missing")
        by_member[bioguide] = record.get("offices") or []
    return by_member


def _social_accounts(base) -> dict[str, dict]:
    """bioguide -> {"twitter": ..., ...} (legislators-social-media, optional)."""
    social_file = load_structured(base, "legislators-social-media", optional=True)
    if social_file is None:
        return {}
    name, records = social_file
    social = {}
    for number, record in enumerate(records, start=1):
        bioguide = _bioguide(record, file=name, row=number)
        social[bioguide] = {k: v for k, v in (record.get("social") or {}).items() if k in SOCIAL_ACCOUNTS}
    return social


# ------------------------------------------------------------------------------
# Terms: the seat a member holds now, and since when
# ------------------------------------------------------------------------------
def _week_before(value: str) -> str:
    try:
        return (datetime.date.fromisoformat(value) - TENURE_GAP).isoformat()
    except ValueError:
        return value


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
        if not same_seat(term) or term.get("end", "") < _week_before(start):
            break
        start = term.get("start", start)
    return start


def _current_term(record: dict, *, name: str, number: int) -> dict:
    terms = record.get("terms") or []
    if not terms:
        raise ImportFileError(file=name, row=number, field="terms", reason="no terms")
    term = terms[-1]
    if term.get("type") not in ("sen", "rep"):
        raise ImportFileError(
            file=name, row=number, field="terms[-1].type", reason=f"{term.get('type')!r} is not sen or rep"
        )
    state = term.get("state") or ""
    if not STATE_RE.match(state):
        raise ImportFileError(file=name, row=number, field="terms[-1].state", reason=f"{state!r} is not a USPS code")
    parse_date(str(term.get("start") or ""), file=name, row=number, field="terms[-1].start")
    return term


# ------------------------------------------------------------------------------
# Offices: the seat of a term, its division and title
# ------------------------------------------------------------------------------
def _seat(term: dict, *, name: str, number: int, names: dict[str, str], divisions) -> tuple[str, str, str, str]:
    """(role, seat, division OCD id, title) of a current term."""
    state = term["state"]
    if term["type"] == "sen":
        senate_class = term.get("class")
        if senate_class not in (1, 2, 3):
            raise ImportFileError(
                file=name, row=number, field="terms[-1].class", reason=f"{senate_class!r} is not 1, 2 or 3"
            )
        role, seat, division_id = OfficeRole.US_SENATE, f"class-{senate_class}", state_division_id(state)
        title = f"U.S. Senator for {names.get(state, state)}"
    else:
        district = term.get("district")
        if not isinstance(district, int) or district < 0:
            raise ImportFileError(
                file=name, row=number, field="terms[-1].district", reason=f"{district!r} is not a district number"
            )
        role, seat, division_id = OfficeRole.US_HOUSE, "", district_division_id(state, district)
        title = house_title(state=state, state_name=names.get(state, state), district=district)
    if division_id not in divisions:
        raise ImportFileError(
            file=name,
            row=number,
            field="terms[-1]",
            reason=f"unknown division {division_id}: run import_divisions first",
        )
    return role, seat, division_id, title


def _check_one_member_per_seat(planned: list[PlannedHolding], *, name: str) -> None:
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


# ------------------------------------------------------------------------------
# People
# ------------------------------------------------------------------------------
def _person_fields(record: dict, term: dict, *, bioguide: str, social: dict, name: str, number: int) -> dict:
    names = record.get("name") or {}
    full = names.get("official_full") or " ".join(p for p in (names.get("first"), names.get("last")) if p)
    if not full:
        raise ImportFileError(file=name, row=number, field="name", reason="no official_full, first or last name")
    ids = record.get("id") or {}
    return {
        "name": full[:200],
        "given_name": (names.get("nickname") or names.get("first") or "")[:100],
        "family_name": (names.get("last") or "")[:100],
        "party": (term.get("party") or "")[:50],
        "photo_url": PHOTO_URL.format(bioguide=bioguide),
        "wikidata_id": (ids.get("wikidata") or "")[:20],
        "social": social.get(bioguide, {}),
    }


# ------------------------------------------------------------------------------
# Contact points: the DC office, the contact form, the district offices
# ------------------------------------------------------------------------------
def _district_office_contact(office: dict, *, position: int, full: str, result: ImportResult) -> PlannedContact:
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
    phone = phone_or_warning(office.get("phone"), result=result, where=f"district office {office['id']} ({full})")
    return PlannedContact(
        source_key=f"congress:{office['id']}",
        kind=ContactPoint.Kind.PHONE if phone else ContactPoint.Kind.POSTAL,
        value=phone or address or city,
        label=f"{city} district office" if city else "District office",
        address=address,
        hours=office.get("hours") or "",
        position=position,
    )


def _member_contacts(
    term: dict, *, bioguide: str, full: str, district_offices: list[dict], result: ImportResult, where: str
) -> list[PlannedContact]:
    contacts = []
    dc_phone = phone_or_warning(term.get("phone"), result=result, where=f"{where} ({full}) terms[-1].phone")
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
    for position, office in enumerate(district_offices, start=2):
        contacts.append(_district_office_contact(office, position=position, full=full, result=result))
    return contacts


# ------------------------------------------------------------------------------
# The plan and the import
# ------------------------------------------------------------------------------
def plan_congress(source, *, result: ImportResult) -> list[PlannedHolding]:
    base, stem = _congress_base(source)
    name, records = load_structured(base, stem)
    district_offices = _district_offices(base, result=result)
    social = _social_accounts(base)
    divisions = {d.ocd_id: d for d in Division.objects.all()}
    names = state_names(divisions.values())

    planned = []
    seen = set()
    for number, record in enumerate(records, start=1):
        where = f"{name}, record {number}"
        if not isinstance(record, dict):
            raise ImportFileError(file=name, row=number, field="-", reason="not a mapping")
        bioguide = _bioguide(record, file=name, row=number)
        if bioguide in seen:
            raise ImportFileError(file=name, row=number, field="id.bioguide", reason=f"{bioguide} appears twice")
        seen.add(bioguide)
        term = _current_term(record, name=name, number=number)
        role, seat, division_id, title = _seat(term, name=name, number=number, names=names, divisions=divisions)
        person_fields = _person_fields(record, term, bioguide=bioguide, social=social, name=name, number=number)
        contacts = _member_contacts(
            term,
            bioguide=bioguide,
            full=person_fields["name"],
            district_offices=district_offices.get(bioguide, []),
            result=result,
            where=where,
        )
        planned.append(
            PlannedHolding(
                person_key=bioguide,
                person_fields=person_fields,
                role=role,
                division_id=division_id,
                seat=seat,
                title=title,
                start=datetime.date.fromisoformat(_tenure_start(record["terms"])) if term.get("start") else None,
                party=person_fields["party"],
                contacts=contacts,
                where=where,
            )
        )
    _check_one_member_per_seat(planned, name=name)
    return planned


def _create_vacant_house_seats(writer: HoldingWriter, *, result: ImportResult) -> None:
    """A seat nobody holds is still a seat: a caller in a vacant district sees "vacant"."""
    names = state_names(writer.divisions.values())
    for division in writer.divisions.values():
        if division.kind != Division.Kind.CONGRESSIONAL_DISTRICT or division.valid_through is not None:
            continue
        key = (OfficeRole.US_HOUSE, division.pk, "")
        if key not in writer.offices:
            state = division.state
            district = division.ocd_id.rsplit(":", 1)[-1]
            title = house_title(
                state=state,
                state_name=names.get(state, state),
                district=0 if district == "at-large" else int(district),
            )
            writer.offices[key] = Office.objects.create(
                role=OfficeRole.US_HOUSE, division=division, seat="", title=title
            )
            result.add("office", "created")


def import_congress(
    *,
    source,
    dry_run: bool = False,
    progress: bool = False,
    snapshot_date: datetime.date | None = None,
) -> ImportResult:
    result = ImportResult(name="congress", dry_run=dry_run)
    planned = plan_congress(source, result=result)
    with officials_cache.batched(), transaction.atomic():
        writer = HoldingWriter(
            result=result,
            source=CONGRESS_SOURCE,
            person_key_field="bioguide_id",
            roles=[OfficeRole.US_SENATE, OfficeRole.US_HOUSE],
            end_date=default_end_date(snapshot_date),
            contact_prefix="congress:",
        )
        for holding in progress_bar(planned, desc="members of Congress", progress=progress):
            division = writer.divisions[holding.division_id]
            office = writer.office(role=holding.role, division=division, seat=holding.seat, title=holding.title)
            person = writer.person(holding.person_key, holding.person_fields, office=office)
            writer.hold(holding, office, person)
            for contact in holding.contacts:
                writer.contact(contact, office=office, person=person)
        writer.end_unlisted()
        writer.retire_unseen_contacts()
        writer.policy.finish()
        _create_vacant_house_seats(writer, result=result)
        return finish(result, dry_run)
