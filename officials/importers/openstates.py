"""The Open States executive data: one YAML file per person (openstates/people `data/<st>/executive/*.yml`).

    python manage.py import_openstates_executives ../shared/data/state-executives/openstates-executive/

A source is a directory laid out as `<st>/*.yml` or `<st>/executive/*.yml` (the upstream repository's
`data/` folder works), an http(s) URL of such a directory with an index page, or the URL of a
.tar.gz of the repository. A person's file, abridged:

    id: ocd-person/80f0f5f8-976d-427b-b980-ce3a23a23e84
    name: Mike Dunleavy
    party: [{name: Republican}]
    roles: [{type: governor, start_date: '2018-12-03', end_date: '2026-12-07',
             jurisdiction: ocd-jurisdiction/country:us/state:ak/government}]
    offices: [{classification: capitol, voice: 907-465-3500, fax: 907-465-3532, address: State Capitol; ...}]
    links: [{url: http://aws.state.ak.us/CrmForms/Home/Feedback, note: webform}]

Each executive role becomes one row of the state-executives.csv shape, and the rows go through
the same checks and writer as that CSV (executives.py, writer.py), so both give the same officials.
"""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

import yaml
from django.db import transaction
from django.utils import timezone

from .. import cache as officials_cache
from ..models import Division
from .common import ImportFileError, ImportResult, finish
from .executives import (
    EXECUTIVE_COLUMNS,
    EXECUTIVE_ROLES,
    merge_executive_plans,
    plan_executive_rows,
    write_executive_plans,
)
from .sources import decode_text, read_tree

# A machine source: its proposals against curated or staff-set values are held (policy.py).
OPENSTATES_SOURCE = "openstates"
_SKIP_DIRS = frozenset({"legislature", "municipalities", "retired", "committees"})


def _wanted(path: PurePosixPath) -> bool:
    """A person file of a state's executive folder: <st>/x.yml or <st>/executive/x.yml."""
    if path.suffix not in (".yml", ".yaml") or len(path.parts) < 2:
        return False
    parent = path.parts[-2]
    return parent == "executive" or (len(parent) == 2 and parent.isalpha())


# ------------------------------------------------------------------------------
# Reading the files: a directory, a directory over HTTP, or a .tar.gz
# ------------------------------------------------------------------------------
def _wanted_in_archive(path: PurePosixPath) -> bool:
    # The repository's tarball holds every folder; only its executive ones are read.
    return _wanted(path) and "executive" in path.parts


def read_person_files(source) -> list[tuple[str, bytes]]:
    return read_tree(source, wanted=_wanted, wanted_in_archive=_wanted_in_archive, skip_dirs=_SKIP_DIRS)


# ------------------------------------------------------------------------------
# One person's file -> rows of the state-executives.csv shape
# ------------------------------------------------------------------------------
def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _division_for(jurisdiction: str) -> str:
    # ocd-jurisdiction/country:us/state:ak/government -> ocd-division/country:us/state:ak
    if not jurisdiction.startswith("ocd-jurisdiction/") or not jurisdiction.endswith("/government"):
        return ""
    return "ocd-division/" + jurisdiction[len("ocd-jurisdiction/") : -len("/government")]


class UnreadablePersonFile(ImportFileError):
    """A person file that is not YAML or not a person (a truncated download): skipped, with a warning."""


def person_rows(name: str, data: bytes) -> list[tuple[str, dict]]:
    """(where, row) for each executive role of one person file."""
    person = _person(name, data)
    if person is None:
        return []
    roles = person.get("roles")
    if not isinstance(roles, list):
        raise ImportFileError(file=name, row=0, field="roles", reason="missing or not a list")
    shared = _person_fields(person)
    rows = []
    for index, role in enumerate(roles):
        if not isinstance(role, dict):
            raise ImportFileError(file=name, row=f"roles[{index}]", field="-", reason="not a mapping")
        if _text(role.get("type")).lower() in EXECUTIVE_ROLES:
            row = {**_role_fields(role, name=name, index=index), **shared}
            rows.append((f"roles[{index}]", {k: row[k] for k in EXECUTIVE_COLUMNS if k in row}))  # the CSV's order
    return rows


def _person(name: str, data: bytes) -> dict | None:
    """The file's person mapping; None for a state folder's other files; UnreadablePersonFile for a broken one."""
    try:
        person = yaml.load(decode_text(data, name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        reason = f"cannot parse YAML (truncated?): {' '.join(str(exc).split())}"
        raise UnreadablePersonFile(file=name, row=0, field="-", reason=reason) from exc
    if isinstance(person, dict):
        return person
    if "executive" not in PurePosixPath(name).parts:
        return None  # a state folder's other files (municipalities.yml): not people
    raise UnreadablePersonFile(file=name, row=0, field="-", reason="expected a mapping")


def _mappings(person: dict, key: str) -> list[dict]:
    return [item for item in person.get(key) or [] if isinstance(item, dict)]


def _person_fields(person: dict) -> dict:
    """The row's fields that are the person's, the same for each of their roles.

    The current party (the last one without an end date, else the last one), the capitol office
    (else the first one) and the contact form (the link noted "webform").
    """
    parties = _mappings(person, "party")
    party = next((p for p in reversed(parties) if not p.get("end_date")), parties[-1] if parties else {})
    offices = _mappings(person, "offices")
    office = next((o for o in offices if o.get("classification") == "capitol"), offices[0] if offices else {})
    webform = next((_text(link.get("url")) for link in _mappings(person, "links") if link.get("note") == "webform"), "")
    return {
        "name": _text(person.get("name")),
        "party": _text(party.get("name")),
        "phone": _text(office.get("voice")),
        "fax": _text(office.get("fax")),
        "address": _text(office.get("address")),
        "email": _text(person.get("email")),
        "contact_form": webform,
        "image": _text(person.get("image")),
        "ocd_person_id": _text(person.get("id")),
        "review_note": "",
    }


def _role_fields(role: dict, *, name: str, index: int) -> dict:
    """The row's fields that are the role's: its state and office, its dates."""
    division = _division_for(_text(role.get("jurisdiction")))
    if not division:
        raise ImportFileError(
            file=name,
            row=f"roles[{index}]",
            field="jurisdiction",
            reason=f"{role.get('jurisdiction')!r} is not an ocd-jurisdiction .../government id",
        )
    return {
        "state": division.rsplit(":", 1)[-1].upper(),
        "role": _text(role.get("type")),
        "start_date": _text(role.get("start_date")),
        "end_date": _text(role.get("end_date")),
        "ocd_division_id": division,
    }


def _plan(source, *, roles, result, divisions, today):
    rows = []
    for name, data in read_person_files(source):
        try:
            person = person_rows(name, data)
        except UnreadablePersonFile as exc:
            # One broken file must not stop the other 200; the offices it speaks for are left as they are.
            result.warnings.append(f"{exc}; skipped, its offices left as they were")
            result.add("row", "skipped (unreadable file)")
            continue
        for where, row in person:
            rows.append((where, {**row, "_file": name}))
    return plan_executive_rows(rows, name=str(source), roles=roles, result=result, divisions=divisions, today=today)


def import_openstates_executives(
    *,
    source,
    updates=None,
    roles: list[str] | None = None,
    dry_run: bool = False,
    progress: bool = False,
    snapshot_date: datetime.date | None = None,
) -> ImportResult:
    """Governors, attorneys general and secretaries of state from Open States person files.

    `updates` is a second folder of person files (such as an unmerged upstream pull request)
    that wins for the offices it names.
    """
    result = ImportResult(name="state executives (Open States)", dry_run=dry_run)
    roles = set(roles or EXECUTIVE_ROLES.values())
    today = timezone.localdate()
    divisions = {d.ocd_id: d for d in Division.objects.all()}
    plans = _plan(source, roles=roles, result=result, divisions=divisions, today=today)
    if not plans and not result.counts:
        raise ImportFileError(file=str(source), row=0, field="-", reason="no Open States person files found")
    if updates:
        plans = merge_executive_plans(
            plans, _plan(updates, roles=roles, result=result, divisions=divisions, today=today)
        )
    with officials_cache.batched(), transaction.atomic():
        write_executive_plans(
            plans,
            result=result,
            roles=roles,
            divisions=divisions,
            snapshot_date=snapshot_date,
            progress=progress,
            source=OPENSTATES_SOURCE,
        )
        return finish(result, dry_run)
