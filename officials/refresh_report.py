"""What an officials refresh changed, in words: snapshots before and after, compared, and the run's report.

officials/refresh.py takes a snapshot before the sources run and one after, and keeps
report_text's text on the RefreshRun (staff are emailed it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

from django.utils import timezone

from .models import ContactPoint, Office, RefreshRun, Term

# Long sections (a first refresh lists every office) are cut here in the report.
REPORT_SECTION_LIMIT = 300


class Upcoming(NamedTuple):
    """A term that starts after today."""

    office_id: int
    name: str
    start: datetime.date


class ContactShown(NamedTuple):
    """A contact point as the report shows it."""

    office_id: int
    kind: str
    label: str
    value: str
    address: str


@dataclass
class Snapshot:
    titles: dict[int, str]
    holders: dict[int, str]  # office id -> current holder's name
    upcoming: set[Upcoming]
    contacts: dict[int, ContactShown]  # by contact point id

    def title(self, office_id: int, *, before: Snapshot | None = None) -> str:
        """The office's title now, else (an office gone) its title in `before`."""
        return self.titles.get(office_id) or (before.titles.get(office_id, "") if before else "")


REPORTED_KINDS = (ContactPoint.Kind.PHONE, ContactPoint.Kind.CONTACT_FORM, ContactPoint.Kind.POSTAL)


def snapshot() -> Snapshot:
    """The officials as the report compares them: titles, holders, terms to come, contact points."""
    today = timezone.localdate()
    titles = {pk: str(name or title) for pk, name, title in Office.objects.values_list("pk", "name", "title")}
    holders: dict[int, str] = {}
    for office_id, name in Term.objects.current(on=today).order_by("-start").values_list("office_id", "person__name"):
        holders.setdefault(office_id, name)
    upcoming = {
        Upcoming(*row) for row in Term.objects.filter(start__gt=today).values_list("office_id", "person__name", "start")
    }
    contacts = {
        pk: ContactShown(*rest)
        for pk, *rest in ContactPoint.objects.filter(is_active=True, kind__in=REPORTED_KINDS).values_list(
            "pk", "office_id", "kind", "label", "value", "address"
        )
    }
    return Snapshot(titles=titles, holders=holders, upcoming=upcoming, contacts=contacts)


@dataclass
class ChangeReport:
    offices: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    zips: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.offices or self.contacts or self.zips)


def _kind_label(kind: str) -> str:
    return {"phone": "phone", "form": "contact form", "postal": "address"}.get(kind, kind)


def _show(kind: str, value: str) -> str:
    if kind == ContactPoint.Kind.PHONE:
        from .phones import phone_display

        return phone_display(value)
    return value


def compare(before: Snapshot, after: Snapshot, *, zip_moves) -> ChangeReport:
    """What a refresh changed, in words: holders, terms to come, contact points and ZIP districts."""
    return ChangeReport(
        offices=_holder_changes(before, after) + _upcoming_changes(before, after),
        contacts=_contact_changes(before, after),
        zips=[_zip_move(move) for move in zip_moves],
    )


def _holder_changes(before: Snapshot, after: Snapshot) -> list[str]:
    lines = []
    for office_id in sorted(set(before.holders) | set(after.holders), key=lambda pk: after.titles.get(pk, "")):
        old, new = before.holders.get(office_id), after.holders.get(office_id)
        if old == new:
            continue
        title = after.title(office_id, before=before)
        if old and new:
            lines.append(f"{title}: {old} left, {new} arrived")
        elif old:
            lines.append(f"{title}: {old} left; the successor is not in the data yet")
        else:
            lines.append(f"{title}: {new} arrived")
    return lines


def _upcoming_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Terms newly announced, then announced ones dropped before they began (those begun are holders now)."""
    order = attrgetter("start", "name")
    lines = [
        f"{after.title(u.office_id)}: {u.name} takes office on {u.start}"
        for u in sorted(after.upcoming - before.upcoming, key=order)
    ]
    today = timezone.localdate()
    lines += [
        f"{after.title(u.office_id)}: {u.name} no longer listed to take office {u.start}"
        for u in sorted(before.upcoming - after.upcoming, key=order)
        if u.start > today
    ]
    return lines


def _contact_changes(before: Snapshot, after: Snapshot) -> list[str]:
    lines = []
    for pk in sorted(set(before.contacts) | set(after.contacts)):
        old, new = before.contacts.get(pk), after.contacts.get(pk)
        shown = new or old
        kind = _kind_label(shown.kind)
        where = f"{after.title(shown.office_id, before=before)}, {shown.label or kind}"
        if old is None:
            lines.append(f"{where}: {kind} added: {_show(shown.kind, shown.value)}")
        elif new is None:
            lines.append(f"{where}: {kind} removed: {_show(shown.kind, shown.value)}")
        else:
            if old.value != new.value:
                lines.append(f"{where}: {kind} {_show(new.kind, old.value)} -> {_show(new.kind, new.value)}")
            if old.address != new.address:
                lines.append(f"{where}: address {old.address or '(none)'} -> {new.address or '(none)'}")
    return lines


def _zip_move(move) -> str:
    when = f" from {move.effective}" if move.effective else ""
    before_text = ", ".join(_short_district(d) for d in move.before) or "(none)"
    after_text = ", ".join(_short_district(d) for d in move.after) or "(none)"
    return f"{move.zcta}: {before_text} -> {after_text}{when}"


def _short_district(ocd_id: str) -> str:
    # ocd-division/country:us/state:mo/cd:3 -> MO-3
    parts = dict(part.split(":", 1) for part in ocd_id.split("/")[1:] if ":" in part)
    state = parts.get("state") or parts.get("district") or parts.get("territory") or ""
    return f"{state.upper()}-{parts.get('cd', '?').replace('at-large', 'AL')}"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{title}: none"]
    shown = lines[:REPORT_SECTION_LIMIT]
    out = [f"{title} ({len(lines)}):", *(f"  {line}" for line in shown)]
    if len(lines) > len(shown):
        out.append(f"  ... and {len(lines) - len(shown)} more")
    return out


def report_text(*, run: RefreshRun, results, report: ChangeReport) -> str:
    lines = [
        f"Officials refresh of {run.started_at:%Y-%m-%d %H:%M} UTC{' (dry run, nothing saved)' if run.dry_run else ''}"
    ]
    lines.append("Sources:")
    lines += [f"  {name}: {location}" for name, location in run.sources.items() if location]
    lines.append("Imports:")
    lines += [f"  {result.summary()}" for result in results]
    held = [line for result in results for line in result.held]
    applied = len(report.offices) + len(report.contacts) + len(report.zips)
    lines.append(f"Applied: {applied} change(s). Held for review: {len(held)}.")
    lines.append("Applied:")
    lines += _section("Officeholders", report.offices)
    lines += _section("Phones, contact forms and addresses", report.contacts)
    lines += _section("ZIPs that change district", report.zips)
    lines += _section("Held for review (Admin > Officials changes to review)", held)
    rejected = [line for result in results for line in result.rejected]
    if rejected:
        lines += _section("Rejected earlier, proposed again, not applied", rejected)
    warnings = [w for result in results for w in result.warnings]
    if warnings:
        lines += _section("Warnings", warnings)
    if not report.changed:
        lines.append("Nothing changed." if not held else "Nothing changed; the proposals above wait for review.")
    return "\n".join(lines)
