"""Refreshing every officials source in one go, with a report of what changed.

    python manage.py refresh_officials                      # the upstream locations in settings
    python manage.py refresh_officials --source-dir ../shared/data
    python manage.py refresh_officials --dry-run

The sources are read in dependency order (divisions, Congress, ZIP districts, state
executives) inside one transaction: if any download or parse fails, nothing is written and the
run says which source, which row and why. Each run is a RefreshRun row with the report; staff
are emailed the report when something changed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from . import importers
from .models import ContactPoint, Office, RefreshRun, Term
from .selectors import LAST_REFRESH_CACHE_KEY

logger = logging.getLogger(__name__)
# Long sections (a first refresh lists every office) are cut here in the report.
REPORT_SECTION_LIMIT = 300

# Where each source lives upstream; `refresh_officials` reads these unless given --source-dir.
DEFAULT_SOURCES = {
    # The ids change only when districts are renumbered; loaded by import_divisions (or --source-dir).
    "divisions": "",
    "congress": "https://unitedstates.github.io/congress-legislators/",
    "zip_districts": "https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/tab20_cd11920_zcta520_natl.txt",
    "executives": "https://github.com/openstates/people/archive/refs/heads/main.tar.gz",
    "executive_updates": "",
}


class RefreshFailed(Exception):
    def __init__(self, *, source: str, location: str, error: Exception):
        self.source, self.location, self.error = source, location, error
        super().__init__(f"{source} ({location}): {error}")


def upstream_sources() -> dict[str, str]:
    return {**DEFAULT_SOURCES, **getattr(settings, "OFFICIALS_REFRESH_SOURCES", {})}


def sources_from_dir(data_dir) -> dict[str, str]:
    """The layout of the public data folder (see its README)."""
    data_dir = Path(data_dir)
    executives = data_dir / "state-executives"
    updates = executives / "governor-updates-pr3367-unmerged.csv"
    return {
        "divisions": str(data_dir / "ocd-divisions"),
        "congress": str(data_dir / "congress-legislators"),
        "zip_districts": str(data_dir / "zip-districts" / "zccd.csv"),
        "executives": str(executives / "state-executives.csv"),
        "executive_updates": str(updates) if updates.exists() else "",
    }


# ------------------------------------------------------------------------------
# What changed: snapshots before and after
# ------------------------------------------------------------------------------
@dataclass
class Snapshot:
    titles: dict[int, str]
    holders: dict[int, str]  # office id -> current holder's name
    upcoming: set[tuple[int, str, datetime.date]]  # (office id, name, first day)
    contacts: dict[int, tuple]  # contact point id -> (office id, kind, label, value, address)


REPORTED_KINDS = (ContactPoint.Kind.PHONE, ContactPoint.Kind.CONTACT_FORM, ContactPoint.Kind.POSTAL)


def _snapshot() -> Snapshot:
    today = timezone.localdate()
    titles = {pk: str(name or title) for pk, name, title in Office.objects.values_list("pk", "name", "title")}
    holders: dict[int, str] = {}
    for office_id, name in Term.objects.current(on=today).order_by("-start").values_list("office_id", "person__name"):
        holders.setdefault(office_id, name)
    upcoming = set(Term.objects.filter(start__gt=today).values_list("office_id", "person__name", "start"))
    contacts = {
        pk: rest
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
    report = ChangeReport()
    for office_id in sorted(set(before.holders) | set(after.holders), key=lambda pk: after.titles.get(pk, "")):
        old, new = before.holders.get(office_id), after.holders.get(office_id)
        if old == new:
            continue
        title = after.titles.get(office_id) or before.titles.get(office_id, "")
        if old and new:
            report.offices.append(f"{title}: {old} left, {new} arrived")
        elif old:
            report.offices.append(f"{title}: {old} left; the successor is not in the data yet")
        else:
            report.offices.append(f"{title}: {new} arrived")
    for office_id, name, start in sorted(after.upcoming - before.upcoming, key=lambda u: (u[2], u[1])):
        report.offices.append(f"{after.titles.get(office_id, '')}: {name} takes office on {start}")
    for office_id, name, start in sorted(before.upcoming - after.upcoming, key=lambda u: (u[2], u[1])):
        if start > timezone.localdate():
            report.offices.append(f"{after.titles.get(office_id, '')}: {name} no longer listed to take office {start}")

    for pk in sorted(set(before.contacts) | set(after.contacts)):
        old, new = before.contacts.get(pk), after.contacts.get(pk)
        office_id, kind, label, value, address = new or old
        where = f"{after.titles.get(office_id) or before.titles.get(office_id, '')}, {label or _kind_label(kind)}"
        if old is None:
            report.contacts.append(f"{where}: {_kind_label(kind)} added: {_show(kind, value)}")
        elif new is None:
            report.contacts.append(f"{where}: {_kind_label(kind)} removed: {_show(kind, value)}")
        else:
            if old[3] != new[3]:
                report.contacts.append(f"{where}: {_kind_label(kind)} {_show(kind, old[3])} -> {_show(kind, new[3])}")
            if old[4] != new[4]:
                report.contacts.append(f"{where}: address {old[4] or '(none)'} -> {new[4] or '(none)'}")

    for move in zip_moves:
        when = f" from {move.effective}" if move.effective else ""
        before_text = ", ".join(_short_district(d) for d in move.before) or "(none)"
        after_text = ", ".join(_short_district(d) for d in move.after) or "(none)"
        report.zips.append(f"{move.zcta}: {before_text} -> {after_text}{when}")
    return report


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
    lines += _section("Officeholders", report.offices)
    lines += _section("Phones, contact forms and addresses", report.contacts)
    lines += _section("ZIPs that change district", report.zips)
    warnings = [w for result in results for w in result.warnings]
    if warnings:
        lines += _section("Warnings", warnings)
    if not report.changed:
        lines.append("Nothing changed.")
    return "\n".join(lines)


# ------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------
def refresh_steps(sources: dict[str, str], *, progress: bool = False):
    """(name, location, call) in dependency order; a source with no location is skipped."""
    get = sources.get
    updates = get("executive_updates") or None
    steps = [
        ("divisions", get("divisions"), lambda: importers.import_divisions(source=get("divisions"), progress=progress)),
        ("congress", get("congress"), lambda: importers.import_congress(source=get("congress"), progress=progress)),
        (
            "zip_districts",
            get("zip_districts"),
            lambda: importers.import_zip_districts(source=get("zip_districts"), same_source=True, progress=progress),
        ),
        (
            "executives",
            get("executives"),
            # The curated CSV, or the Open States person files (a folder, a folder URL or a .tar.gz).
            lambda: (
                importers.import_state_executives(source=get("executives"), governor_updates=updates, progress=progress)
                if str(get("executives")).endswith(".csv")
                else importers.import_openstates_executives(
                    source=get("executives"), updates=updates, progress=progress
                )
            ),
        ),
    ]
    return [(name, location, call) for name, location, call in steps if location]


# pg_advisory_xact_lock key: one refresh at a time (the weekly beat and one started by hand).
REFRESH_LOCK_KEY = 0x0FF1C1A1


def _lock_or_fail() -> None:
    """Hold the refresh lock until the transaction ends, or fail at once if another refresh holds it."""
    if connection.vendor != "postgresql":
        return  # SQLite allows one writer anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])
        if not cursor.fetchone()[0]:
            raise RefreshFailed(source="refresh", location="-", error=Exception("another refresh is running"))


def officials_refresh(*, sources: dict[str, str], dry_run: bool = False, notify: bool = True) -> RefreshRun:
    """Run every source, record a RefreshRun, and email staff the report when something changed.

    Raises RefreshFailed (after recording the failed run) when a source cannot be read or parsed.
    """
    run = RefreshRun.objects.create(dry_run=dry_run, sources=sources)
    results = []
    try:
        with transaction.atomic():
            _lock_or_fail()
            before = _snapshot()
            for name, location, call in refresh_steps(sources):
                try:
                    results.append(call())
                except importers.ImportFileError as exc:
                    raise RefreshFailed(source=name, location=location, error=exc) from exc
            report = compare(before, _snapshot(), zip_moves=[m for r in results for m in r.zip_moves])
            if dry_run:
                transaction.set_rollback(True)
    except Exception as exc:
        run.status = RefreshRun.Status.FAILED
        run.finished_at = timezone.now()
        run.error = str(exc) if isinstance(exc, RefreshFailed) else f"{type(exc).__name__}: {exc}"
        run.report = f"Failed, nothing was written: {run.error}"
        run.save(update_fields=["status", "finished_at", "error", "report"])
        raise
    run.status = RefreshRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.changed = report.changed
    run.report = report_text(run=run, results=results, report=report)
    run.save(update_fields=["status", "finished_at", "changed", "report"])
    if not dry_run:
        cache.delete(LAST_REFRESH_CACHE_KEY)
        if notify and report.changed:
            refresh_report_email(run=run)
    return run


def refresh_report_email(*, run: RefreshRun) -> int:
    """The report to every active staff member with an address."""
    recipients = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    subject = (
        f"[{getattr(settings, 'SITE_NAME', 'Call Your Officials')}] Officials data changed ({run.started_at:%Y-%m-%d})"
    )
    return send_mail(subject, run.report, None, recipients)
