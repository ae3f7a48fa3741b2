"""Forgetting a deleted account in the tallies, as CallLog forgets it in the calls."""

from __future__ import annotations

from django.db import connection, transaction


def tally_user_forget(*, user_id: int) -> None:
    """Move a deleted account's tally rows to user 0, as CallLog's SET_NULL does to its calls.

    Runs inside the deletion's transaction (a pre_delete hook) and takes the rollup's mark row
    lock first, so no rollup runs between this move and the SET_NULL of the calls: the member
    tallies keep matching a recount.
    """

    from ..models import RollupState
    from ..rollups import STATE_NAME, rollup_state_ensure, tally_specs

    rollup_state_ensure()
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(name=STATE_NAME).first()
        with connection.cursor() as cursor:
            for spec in tally_specs():
                cols = [col for col, _ in spec.keys]
                if "user_id" not in cols:
                    continue
                moved = ", ".join("0" if col == "user_id" else col for col in cols)
                cursor.execute(
                    f"INSERT INTO {spec.table} ({', '.join(cols)}, n) "  # noqa: S608
                    f"SELECT {moved}, n FROM {spec.table} WHERE user_id = %s AND true "
                    f"ON CONFLICT ({', '.join(cols)}) DO UPDATE SET n = {spec.table}.n + excluded.n",
                    [user_id],
                )
                cursor.execute(f"DELETE FROM {spec.table} WHERE user_id = %s", [user_id])  # noqa: S608
