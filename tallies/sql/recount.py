"""The recount's hand-written SQL: a tally table's rows next to a GROUP BY of the calls up to the mark.

The key expressions are the rollup's own (tally_specs in tallies/sql/rollup.py), so the recount
groups the calls exactly as the upserts did."""

from __future__ import annotations

from django.db import connection

from ..models import CallLog
from .rollup import TallySpec


def recount_rows(spec: TallySpec, *, mark: int) -> tuple[list[tuple], list[tuple]]:
    """(the table's rows (keys..., n), the calls with id <= mark grouped the same way (keys..., sum of weights))."""
    cols = [col for col, _ in spec.keys]
    exprs = ", ".join(expr for _, expr in spec.keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(cols)}, n FROM {spec.table}")  # noqa: S608
        rolled = cursor.fetchall()
        cursor.execute(
            f"SELECT {exprs}, SUM(weight) FROM {CallLog._meta.db_table} WHERE id <= %s GROUP BY {exprs}",  # noqa: S608
            [mark],
        )
        return rolled, cursor.fetchall()
