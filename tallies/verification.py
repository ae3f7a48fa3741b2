"""Recount the tallies from CallLog: the check behind `manage.py verify_tallies` and the tests."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum

from .models import CallLog, RollupState
from .rollups import STATE_NAME, rollup_state_ensure
from .sql.recount import recount_rows
from .sql.rollup import tally_specs


@dataclass
class VerifyReport:
    mark: int = 0
    calls: int = 0
    tables: int = 0
    # table -> [(key, count in the rollup, count in CallLog)]
    differences: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)


def tally_verify() -> VerifyReport:
    """Compare every tally table with a recount of the calls up to the high-water mark.

    Holds the mark's row lock, so no rollup moves the mark while it reads; calls above the mark
    are the live tail, which the rollups do not hold yet.
    """
    rollup_state_ensure()
    report = VerifyReport()
    with transaction.atomic():
        state = RollupState.objects.select_for_update().get(name=STATE_NAME)
        report.mark = state.last_id
        report.calls = CallLog.objects.filter(id__lte=state.last_id).aggregate(n=Sum("weight"))["n"] or 0
        specs = tally_specs()
        report.tables = len(specs)
        for spec in specs:
            cols = [col for col, _ in spec.keys]
            rolled_rows, counted_rows = recount_rows(spec, mark=state.last_id)
            rolled = {tuple(_norm(v) for v in row[:-1]): row[-1] for row in rolled_rows}
            counted = {tuple(_norm(v) for v in row[:-1]): row[-1] for row in counted_rows}
            diffs = [
                (
                    ", ".join(f"{c}={v}" for c, v in zip(cols, key, strict=True)),
                    rolled.get(key, 0),
                    counted.get(key, 0),
                )
                for key in sorted(set(rolled) | set(counted), key=str)
                if rolled.get(key, 0) != counted.get(key, 0)
            ]
            if diffs:
                report.differences[spec.table] = diffs
    return report


def _norm(value):
    # SQLite returns date() as text, PostgreSQL as a date: compare days as text.
    if isinstance(value, int | str):
        return value
    return str(value)
