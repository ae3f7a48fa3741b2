"""Forgetting a deleted account in the tallies, as CallLog forgets it in the calls."""

from __future__ import annotations

from django.db import transaction


def tally_user_forget(*, user_id: int) -> None:
    """Move a deleted account's tally rows to user 0, as CallLog's SET_NULL does to its calls.

    Runs inside the deletion's transaction (a pre_delete hook) and takes the rollup's mark row
    lock first, so no rollup runs between this move and the SET_NULL of the calls: the member
    tallies keep matching a recount.
    """

    from ..models import RollupState
    from ..rollups import STATE_NAME, rollup_state_ensure
    from ..sql.rollup import tally_specs
    from ..sql.writes import tallies_move_to_nobody

    rollup_state_ensure()
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(name=STATE_NAME).first()
        tallies_move_to_nobody(tally_specs(), user_id=user_id)
