"""State executives: governors, attorneys general and secretaries of state.

    python manage.py import_state_executives ../shared/data/state-executives/state-executives.csv \\
        --governor-updates ../shared/data/state-executives/governor-updates-pr3367-unmerged.csv

Rows of the state-executives.csv shape (derived from openstates/people; the Open States YAML
reader in openstates.py produces the same rows) are checked and grouped by office here, then
written by the shared writer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from .. import cache as officials_cache
from ..models import Division, OfficeRole
from .common import (
    STATE_RE,
    ImportFileError,
    ImportResult,
    default_end_date,
    finish,
    parse_date,
    progress_bar,
)
from .executive_contacts import executive_contacts, office_contact_key
from .ocd import executive_title, role_name, state_names
from .sources import csv_rows, read_source
from .writer import HoldingWriter, PlannedContact, PlannedHolding

EXECUTIVES_SOURCE = "state_executives"

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


def plan_executive_rows(
    rows, *, name: str, roles: set[str], result: ImportResult, divisions: dict, today: datetime.date
) -> dict[tuple[str, str], OfficePlan]:
    """Check executive rows (the state-executives.csv columns) and group them by office.

    `rows` are (row number, dict) pairs; the Open States YAML reader produces the same shape.
    """
    source_name = name
    names = state_names(divisions.values())
    plans: dict[tuple[str, str], OfficePlan] = {}
    for number, row in rows:
        # Rows read from many files (Open States YAML) carry their own file name.
        name = row.get("_file", source_name)
        role = EXECUTIVE_ROLES.get(row["role"].lower())
        if role is None or role not in roles:
            result.add("row", "skipped (role not imported)")
            continue
        checked = _checked_row(row, name=name, number=number, role=role, divisions=divisions)
        where = f"{name}, row {number}"
        contacts = executive_contacts(
            row, role=role, state=checked.state, division_id=checked.division_id, result=result, where=where
        )
        key = (role, checked.division_id)
        if key not in plans:
            title = executive_title(role=role, state=checked.state, state_name=names.get(checked.state, checked.state))
            plans[key] = OfficePlan(role=role, division_id=checked.division_id, title=title)
        plan = plans[key]
        end = _end_kept(row, checked, where=where, today=today, result=result)
        if end is not None and end < today:
            plan.ended.append(
                EndedRow(
                    person_key=checked.person_key,
                    role=role,
                    division_id=checked.division_id,
                    end=end,
                    contacts=contacts,
                )
            )
            result.add("row", "skipped (term ended)")
            continue
        holding = _holding(row, checked, end=end, title=plan.title, contacts=contacts, where=where)
        _place(plan, holding, state=checked.state, today=today, result=result)
    return plans


class _CheckedRow(NamedTuple):
    role: str
    state: str
    person_key: str
    division_id: str
    start: datetime.date | None
    end: datetime.date | None


def _checked_row(row: dict, *, name: str, number, role: str, divisions: dict) -> _CheckedRow:
    """The row's checked values, or ImportFileError naming the first bad field."""
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
    start = parse_date(row["start_date"], file=name, row=number, field="start_date")
    end = parse_date(row["end_date"], file=name, row=number, field="end_date")
    if row.get("end_date_passed", "") not in ("yes", "no", ""):
        raise ImportFileError(file=name, row=number, field="end_date_passed", reason="expected yes or no")
    if start is not None and end is not None and end < start:
        raise ImportFileError(file=name, row=number, field="end_date", reason=f"{end} is before start {start}")
    return _CheckedRow(role, state, person_key, division_id, start, end)


def _end_kept(row: dict, checked: _CheckedRow, *, where: str, today: datetime.date, result: ImportResult):
    """The term's end, or None when the curators flagged a past end date as wrong.

    The flags read "end_date wrong: still in office" or "end_date passed in data; check whether
    reappointed": those holders are kept, and said so, rather than leave the seat empty.
    """
    end = checked.end
    if end is None or end >= today or not row.get("review_note", "").lower().startswith("end_date"):
        return end
    result.warnings.append(
        f"{where}: kept {row['name']} as {row['role']} of {checked.state} although the term "
        f"ended {end} ({row['review_note']}); verify"
    )
    return None


def _holding(row: dict, checked: _CheckedRow, *, end, title: str, contacts, where: str) -> PlannedHolding:
    given, _, family = row["name"].rpartition(" ")
    party = PARTY_NAMES.get(row["party"], row["party"])[:50]
    return PlannedHolding(
        person_key=checked.person_key,
        person_fields={
            "name": row["name"][:200],
            "given_name": given.split(" ")[0][:100] if given else "",
            "family_name": family[:100],
            "party": party,
            "photo_url": row["image"][:500],
            "email": row["email"][:254],
        },
        role=checked.role,
        division_id=checked.division_id,
        seat="",
        title=title,
        start=checked.start,
        end=end,
        party=party,
        contacts=contacts,
        where=where,
    )


def _place(plan: OfficePlan, holding: PlannedHolding, *, state: str, today: datetime.date, result: ImportResult):
    """A holder starting later joins the office's future ones; of two current holders, the later start is kept."""
    if holding.start is not None and holding.start > today:
        plan.future = [h for h in plan.future if h.person_key != holding.person_key] + [holding]
        return
    previous = plan.current
    if previous is not None and previous.person_key != holding.person_key:
        # Two current holders of one office: keep the one who started last.
        if (holding.start or datetime.date.min) < (previous.start or datetime.date.min):
            holding, previous = previous, holding
        result.warnings.append(
            f"{holding.where}: {holding.person_fields['name']} and {previous.person_fields['name']} both listed "
            f"as current {role_name(holding.role)} for {state}; kept {holding.person_fields['name']}"
        )
    plan.current = holding


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
    rows = csv_rows(read_source(source), name, None, required=EXECUTIVE_COLUMNS)
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
    for plan in progress_bar(list(plans.values()), desc="state executives", progress=progress):
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
            plan.current.successor_known = True
            if plan.current.end is None or plan.current.end > last_day:
                plan.current.end = last_day
        if plan.current is not None:
            listed_offices.add(office.pk)
            person = writer.person(plan.current.person_key, plan.current.person_fields, office=office)
            writer.hold(plan.current, office, person)
        for holding in sorted(plan.future, key=lambda h: h.start):
            writer.hold_from(holding, office, writer.person(holding.person_key, holding.person_fields, office=office))
        for contact in contacts:
            writer.contact(contact, office=office, person=None)
        contact_prefixes.add(office_contact_key(plan.role, plan.division_id, ""))
        for row in plan.ended:
            if row.person_key not in current_keys:
                writer.end_person_on_office(
                    person_key=row.person_key, office=office, on=row.end, successor_known=bool(plan.future)
                )
    # Only the offices this file speaks for: a hand-added holder elsewhere is left alone.
    writer.end_unlisted(office_ids=listed_offices)
    writer.drop_unlisted_future(office_ids=planned_offices)
    # Lines the snapshot no longer lists for these offices, and the per-holder lines of earlier versions.
    contact_prefixes |= {f"openstates:{key}:" for key in current_keys}
    writer.retire_unseen_contacts(only_keys_with=contact_prefixes)
    writer.policy.finish()


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
        return finish(result, dry_run)


def executive_role_name(text: str) -> str:
    """A role as a person types it ("Governor", "attorney_general") in the files' spelling ("attorney general")."""
    return " ".join(text.strip().lower().replace("_", " ").split())
