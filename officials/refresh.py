"""Refreshing every officials source in one go, with a report of what changed.

    python manage.py refresh_officials                      # the upstream locations in settings
    python manage.py refresh_officials --source-dir ../shared/data
    python manage.py refresh_officials --dry-run

The sources are read in dependency order (divisions, Congress, ZIP districts, state
executives) inside one transaction: if any download or parse fails, nothing is written and the
run says which source, which row and why. Each run is a RefreshRun row with the report; staff
are emailed the report when something changed or was held for review.

What a source may change on its own and what it must hold for review is the policy in
officials/importers/policy.py. Here, each source runs in its own savepoint: when it would change more than
OFFICIALS_REFRESH_MAX_CHANGE_SHARE of its rows at once (a truncated or broken upstream file), its
writes are undone and the whole source is held (approving it re-reads the source and applies it).
The report of what changed is officials/refresh_report.py.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from . import importers
from .importers.policy import ChangePolicy, max_change_share
from .models import PendingChange, RefreshRun
from .refresh_report import compare, report_text, snapshot
from .selectors import LAST_REFRESH_CACHE_KEY

logger = logging.getLogger(__name__)
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


def _first_existing(*paths: Path) -> Path:
    return next((p for p in paths if p.exists()), paths[0])


def sources_from_dir(data_dir) -> dict[str, str]:
    """The layout of the public data folder (see its README), or clones of the upstream repositories.

    Upstream-only: `ocd-division-ids/identifiers/country-us/`, `congress-legislators/`, the Census
    relationship file (`zip-districts/*.txt`) and `people/data/` (openstates/people).
    """
    data_dir = Path(data_dir)
    executives = data_dir / "state-executives"
    updates = executives / "governor-updates-pr3367-unmerged.csv"
    census = sorted((data_dir / "zip-districts").glob("*natl*.txt")) if (data_dir / "zip-districts").is_dir() else []
    return {
        "divisions": str(
            _first_existing(data_dir / "ocd-divisions", data_dir / "ocd-division-ids" / "identifiers" / "country-us")
        ),
        "congress": str(data_dir / "congress-legislators"),
        "zip_districts": str(_first_existing(data_dir / "zip-districts" / "zccd.csv", *census)),
        "executives": str(
            _first_existing(
                executives / "state-executives.csv",
                executives / "openstates-executive",
                data_dir / "people" / "data",
            )
        ),
        "executive_updates": str(updates) if updates.exists() else "",
    }


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


class _SourceHeld(Exception):
    def __init__(self, result):
        self.result = result


# A source with fewer changes than this is never "too many at once", whatever the share.
MIN_CHANGES_FOR_SHARE = 5


def _too_many_changes(result, share: float | None) -> tuple[int, int] | None:
    """(changed, existing) when a source changes more than `share` of its existing rows, else None."""
    if share is None:
        return None
    changed, base = result.changed_share()
    if base and changed >= MIN_CHANGES_FOR_SHARE and changed > share * base:
        return changed, base
    return None


def _run_source(name: str, location: str, call, *, sources: dict[str, str], share: float | None):
    """One source in its own savepoint; undone and held as a whole when it changes too much at once."""
    try:
        with transaction.atomic():
            result = call()
            if _too_many_changes(result, share):
                raise _SourceHeld(result)
            # This source reads well again: a hold of the whole source from an earlier run is moot.
            PendingChange.objects.filter(subject=f"source:{name}", status=PendingChange.Status.HELD).delete()
            return result
    except _SourceHeld as held:
        result = held.result
    except importers.ImportFileError as exc:
        raise RefreshFailed(source=name, location=location, error=exc) from exc
    except (EOFError, OSError, ValueError) as exc:
        # A truncated download or archive surfaces as these from gzip/tarfile: name the source, not a traceback.
        raise RefreshFailed(source=name, location=location, error=exc) from exc
    changed, base = _too_many_changes(result, share)
    summary = result.summary()
    ended = result.counts["ended"]
    result_held = importers.ImportResult(name=result.name, dry_run=result.dry_run, warnings=result.warnings)
    result_held.counts["unchanged"] = base
    result_held.held_source = name
    policy = ChangePolicy(source=name, result=result_held)
    policy.hold(
        kind=PendingChange.Kind.SOURCE,
        office=None,
        field=f"the whole {name} source",
        current=f"{base} rows as they are",
        proposed=f"{changed} of {base} rows change ({changed / base:.0%}; {ended} ended)",
        reason=(
            f"more than {share:.0%} of the source's rows would change at once: a truncated or broken upstream "
            f"file? Nothing from this source was applied (it would have been: {summary}). Approving re-reads "
            f"{location} and applies it; the other rules still hold what needs a person."
        ),
        subject=f"source:{name}",
        payload={"source": name, "sources": {k: v for k, v in sources.items() if k == name or _feeds(name, k)}},
    )
    return result_held


def _feeds(source: str, key: str) -> bool:
    return source == "executives" and key == "executive_updates"


def officials_refresh(
    *, sources: dict[str, str], dry_run: bool = False, notify: bool = True, max_share: float | None = -1.0
) -> RefreshRun:
    """Run every source, record a RefreshRun, and email staff the report when something changed or was held.

    `max_share`: the share of a source's rows that may change at once (default from settings;
    None: no limit, for a held source staff approved). Raises RefreshFailed (after recording the
    failed run) when a source cannot be read or parsed.
    """
    share = max_change_share() if max_share == -1.0 else max_share
    run = RefreshRun.objects.create(dry_run=dry_run, sources=sources)
    results = []
    try:
        with transaction.atomic():
            _lock_or_fail()
            before = snapshot()
            for name, location, call in refresh_steps(sources):
                results.append(_run_source(name, location, call, sources=sources, share=share))
            report = compare(before, snapshot(), zip_moves=[m for r in results for m in r.zip_moves])
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
    run.held = sum(len(r.held) for r in results)
    run.held_sources = [r.held_source for r in results if r.held_source]
    run.report = report_text(run=run, results=results, report=report)
    run.save(update_fields=["status", "finished_at", "changed", "held", "held_sources", "report"])
    if not dry_run:
        cache.delete(LAST_REFRESH_CACHE_KEY)
        if notify and (report.changed or run.held):
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
    what = "Officials data changed" if run.changed else "Officials changes to review"
    if run.changed and run.held:
        what += f", {run.held} held for review"
    subject = f"[{getattr(settings, 'SITE_NAME', 'Call Your Officials')}] {what} ({run.started_at:%Y-%m-%d})"
    return send_mail(subject, run.report, None, recipients)
