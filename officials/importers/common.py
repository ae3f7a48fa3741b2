"""What every importer shares: the result it reports, the error a bad file raises, the last step.

Every importer checks every row before it writes anything, then writes in one transaction.
A malformed file raises ImportFileError naming the file, row, field and reason.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from .. import cache as officials_cache
from ..models import ContactPoint, Division, Office, Person, Term, ZipDivision
from ..phones import InvalidPhoneNumber, phone_normalise

STATE_RE = re.compile(r"^[A-Z]{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    # Changes the policy held for review, and proposals staff rejected earlier (officials/importers/policy.py).
    held: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    # The refresh source name when the whole source was held (refresh.py), else "".
    held_source: str = ""

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

    def changed_share(self) -> tuple[int, int]:
        """(rows this run changes or proposes to change, rows that existed before): for the share threshold."""
        base = changed = 0
        for (model, outcome), n in self.detail.items():
            if model in ("row", "change"):
                continue
            if outcome in ("updated", "ended", "unchanged"):
                base += n
            if outcome in ("updated", "ended"):
                changed += n
        held = self.detail[("change", "held")]
        return changed + held, base + held

    def summary(self) -> str:
        prefix = "[dry run, nothing saved] " if self.dry_run else ""
        line = (
            f"{prefix}{self.name}: {self.created} created, {self.updated} updated, "
            f"{self.ended} ended, {self.unchanged} unchanged"
        )
        if self.held:
            line += f", {len(self.held)} held for review"
        if not self.changed:
            line += " (nothing to change)"
        return line

    def detail_lines(self) -> list[str]:
        by_model: dict[str, list[str]] = defaultdict(list)
        for (model, outcome), n in sorted(self.detail.items()):
            by_model[model].append(f"{n} {outcome}")
        return [f"  {model}: {', '.join(parts)}" for model, parts in by_model.items()]


def progress_bar(iterable, *, desc: str, progress: bool, total: int | None = None):
    return tqdm(iterable, desc=desc, total=total, disable=not progress, file=sys.stderr, leave=False)


def parse_date(value: str, *, file: str, row, field: str) -> datetime.date | None:
    if not value:
        return None
    if not DATE_RE.match(value):
        raise ImportFileError(file=file, row=row, field=field, reason=f"{value!r} is not a YYYY-MM-DD date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImportFileError(file=file, row=row, field=field, reason=f"{value!r} is not a valid date") from None


def phone_or_warning(raw, *, result: ImportResult, where: str) -> str | None:
    """E.164, or None with a warning: a broken number is left out, never imported."""
    if not raw:
        return None
    try:
        return phone_normalise(str(raw))
    except InvalidPhoneNumber as exc:
        result.warnings.append(f"{where}: phone {exc}; left out")
        return None


def finish(result: ImportResult, dry_run: bool) -> ImportResult:
    if dry_run:
        transaction.set_rollback(True)
    elif result.changed:
        officials_cache.invalidate()  # bulk writes send no signals
        transaction.on_commit(_analyze)
    return result


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so lookups use the indexes at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Division, Office, Person, Term, ContactPoint, ZipDivision):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def default_end_date(snapshot_date: datetime.date | None) -> datetime.date:
    return snapshot_date or (timezone.localdate() - datetime.timedelta(days=1))
