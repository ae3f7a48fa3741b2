"""Writes: loading the officials data, organisations, wrong-number reports and their fixes."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import importers
from .models import ContactPoint, ContactPointChange, Division, Office, OfficeRole, Term, WrongNumberReport, ZipDivision
from .phones import InvalidPhoneNumber, phone_normalise

DEMO_DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DOJ_NAME = "U.S. Department of Justice"
DEMO_FINGERPRINT_KEY = "officials:demo-fingerprint"


# ------------------------------------------------------------------------------
# Loading data
# ------------------------------------------------------------------------------
def _public_data_present(data_dir: Path | None) -> bool:
    if not data_dir:
        return False
    data_dir = Path(data_dir)
    return all(
        (data_dir / p).exists()
        for p in (
            "ocd-divisions/us-states.csv",
            "congress-legislators/legislators-current.json",
            "zip-districts/zccd.csv",
            "state-executives/state-executives.csv",
        )
    )


def officials_import_all(*, data_dir: Path, progress: bool = False) -> list[importers.ImportResult]:
    """Every importer over the public data layout of ../shared/data, in dependency order.

    The same steps as `refresh_officials --source-dir`, without its report and RefreshRun.
    """
    from .refresh import refresh_steps, sources_from_dir

    return [call() for _name, _location, call in refresh_steps(sources_from_dir(data_dir), progress=progress)]


def _demo_builtin_import() -> list[importers.ImportResult]:
    """The built-in Missouri extract, in the same formats, through the same importers."""
    d = DEMO_DATA_DIR
    return [
        importers.import_divisions(source=d),
        importers.import_congress(source=str(d)),
        importers.import_zip_districts(source=d / "zccd.csv"),
        importers.import_state_executives(source=d / "state-executives.csv"),
    ]


@transaction.atomic
def organisation_doj_ensure() -> Office:
    """The U.S. Department of Justice as an organisation target, with its contact form and main phone."""
    country, _ = Division.objects.get_or_create(
        ocd_id="ocd-division/country:us", defaults={"name": "United States", "kind": Division.Kind.COUNTRY}
    )
    office = Office.objects.organisations().filter(name=DOJ_NAME).first()
    if office is None:
        office = Office.objects.create(
            role=OfficeRole.ORGANISATION,
            name=DOJ_NAME,
            title=DOJ_NAME,
            division=country,
            website="https://www.justice.gov/",
        )
    for kind, value, label, position in (
        (ContactPoint.Kind.CONTACT_FORM, "https://www.justice.gov/contact-us", "Contact form", 0),
        (ContactPoint.Kind.PHONE, "+12025142000", "Main switchboard", 1),
    ):
        # Keyed on kind only: a number staff corrected is not put back.
        if not office.contact_points.filter(kind=kind, is_active=True).exists():
            ContactPoint.objects.create(
                office=office, kind=kind, value=value, label=label, position=position, source_key=f"demo:doj:{kind}"
            )
    return office


def _source_fingerprint(data_dir: Path) -> str:
    """Names, sizes and modification times of every input file: cheap, and changes with any refresh."""
    parts = []
    for path in sorted(Path(data_dir).rglob("*")):
        if path.is_file() and path.suffix in (".csv", ".json", ".yaml"):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _row_counts() -> tuple[int, ...]:
    return (Office.objects.count(), Term.objects.count(), ZipDivision.objects.count(), ContactPoint.objects.count())


def officials_load_demo(*, data_dir, stdout=None) -> list[importers.ImportResult]:
    """Officials for `make run`: the public data when `data_dir` holds it, else a built-in Missouri set.

    Idempotent and quick to repeat: each importer compares before it writes, so a second
    start writes nothing; when neither the files nor the tables changed since the last load
    (a fingerprint in the cache), the importers are not even run.
    """
    started = time.monotonic()
    public = _public_data_present(data_dir)
    source_dir = Path(data_dir) if public else DEMO_DATA_DIR
    what = f"public data from {data_dir}" if public else "the built-in Missouri set (public data not found)"
    fingerprint = _source_fingerprint(source_dir)
    remembered = cache.get(DEMO_FINGERPRINT_KEY)
    if remembered == (fingerprint, _row_counts()):
        if stdout is not None:
            stdout.write(f"Officials: {what} already loaded, nothing to change ({time.monotonic() - started:.1f}s)")
        return []
    results = officials_import_all(data_dir=source_dir) if public else _demo_builtin_import()
    organisation_doj_ensure()
    cache.set(DEMO_FINGERPRINT_KEY, (fingerprint, _row_counts()), None)
    if stdout is not None:
        changed = [r for r in results if r.changed]
        elapsed = time.monotonic() - started
        if changed:
            stdout.write(f"Officials: loaded {what} in {elapsed:.1f}s")
            for result in changed:
                stdout.write(f"  {result.summary()}")
        else:
            stdout.write(f"Officials: {what} already loaded, nothing to change ({elapsed:.1f}s)")
    return results


# ------------------------------------------------------------------------------
# Wrong numbers
# ------------------------------------------------------------------------------
def wrong_number_report_create(*, contact_point: ContactPoint, reporter, reason: str) -> WrongNumberReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": 'Say what is wrong, for example "disconnected" or "reaches a pizzeria".'})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    if not contact_point.is_active:
        raise ValidationError({"contact_point": "This contact point is no longer listed."})
    open_report = WrongNumberReport.objects.filter(
        contact_point=contact_point, reporter=reporter, status=WrongNumberReport.Status.OPEN
    ).first()
    if open_report is not None:
        # One open report per volunteer and number: a second click adds to it instead of piling up.
        if reason not in open_report.reason:
            open_report.reason = f"{open_report.reason}\n{reason}"[:5000]
            open_report.save(update_fields=["reason"])
        return open_report
    return WrongNumberReport.objects.create(contact_point=contact_point, reporter=reporter, reason=reason)


@transaction.atomic
def contact_point_fix(
    *,
    contact_point: ContactPoint,
    changed_by,
    value: str | None = None,
    label: str | None = None,
    hours: str | None = None,
    report: WrongNumberReport | None = None,
    note: str = "",
) -> ContactPoint:
    """Correct a contact point, recording who changed which field and when.

    Open reports on the contact point are marked fixed (a fix answers all of them). A phone
    is normalised to E.164; one that does not parse is refused. The importers keep a value
    corrected here over the upstream one unless staff approve the change (officials/review.py).
    """
    contact_point = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    changes = {}
    if value is not None:
        value = value.strip()
        if contact_point.kind in (ContactPoint.Kind.PHONE, ContactPoint.Kind.FAX):
            try:
                value = phone_normalise(value)
            except InvalidPhoneNumber as exc:
                raise ValidationError({"value": f"Not a valid phone number: {exc}"}) from None
        elif not value:
            raise ValidationError({"value": "Enter the corrected value."})
        changes["value"] = value
    if label is not None:
        changes["label"] = label.strip()
    if hours is not None:
        changes["hours"] = hours.strip()
    changes = {k: v for k, v in changes.items() if getattr(contact_point, k) != v}
    now = timezone.now()
    for name, new in changes.items():
        ContactPointChange.objects.create(
            contact_point=contact_point,
            changed_by=changed_by,
            changed_at=now,
            field=name,
            old_value=getattr(contact_point, name),
            new_value=new,
            report=report,
        )
        setattr(contact_point, name, new)
    if "value" in changes:
        # A person vouches for it now: a machine source may not replace it without review.
        contact_point.origin = "report" if report is not None else "staff"
        changes["origin"] = contact_point.origin
    if changes:
        contact_point.save(update_fields=[*changes, "updated_at"])
    reports = WrongNumberReport.objects.filter(contact_point=contact_point, status=WrongNumberReport.Status.OPEN)
    if report is not None:
        reports = reports | WrongNumberReport.objects.filter(pk=report.pk)
    reports.update(status=WrongNumberReport.Status.FIXED, resolved_by=changed_by, resolved_at=now, resolution_note=note)
    return contact_point


def wrong_number_report_dismiss(*, report: WrongNumberReport, resolved_by, note: str = "") -> WrongNumberReport:
    report.status = WrongNumberReport.Status.DISMISSED
    report.resolved_by = resolved_by
    report.resolved_at = timezone.now()
    report.resolution_note = note
    report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    return report
