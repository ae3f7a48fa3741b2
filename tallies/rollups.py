"""Incremental, exactly-once rollup of CallLog into the tally tables.

How a call is counted exactly once
----------------------------------
A rollup run is a loop of batches. Each batch is ONE transaction that

1. locks the high-water mark row (``RollupState``, ``SELECT ... FOR UPDATE``), so only one
   rollup works at a time; a second one (beat firing twice, a duplicated or retried message,
   a nudge racing the beat) either skips (``wait=False``, ``SKIP LOCKED``) or waits and then
   finds the window already done;
2. finds the window end: on PostgreSQL it takes ``LOCK TABLE tallies_calllog IN SHARE ROW
   EXCLUSIVE MODE`` inside a savepoint, reads ``max(id)`` and rolls the savepoint back, which
   releases the lock at once (the Citus incremental-rollup approach, see below);
3. adds the aggregate of the calls with ``last_id < id <= end`` to every tally table with one
   ``INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` each;
4. moves the mark to ``end`` and commits.

The upserts and the move of the mark commit together or not at all, so a worker killed half
way (or a lost connection) leaves the rollups exactly as they were, and the next run redoes
the window. Celery messages are only wake-up hints: a lost one delays a rollup until the
next beat, a duplicated one finds nothing new.

Why the brief table lock (and not ``id > last_id`` alone, nor a pending queue)
--------------------------------------------------------------------------------
Ids are handed out when the INSERT runs, but transactions commit in any order: the call with
id 101 can commit after the one with id 102. A rollup that read ``max(id) = 102`` while 101
was still in flight would move the mark past 101 and never count it. An INSERT holds ROW
EXCLUSIVE on the table from before it takes its id until its transaction ends; SHARE ROW
EXCLUSIVE conflicts with that, so acquiring it waits until every insert in flight has
committed or rolled back. At that instant every id handed out so far is final, and any id
handed out later is larger than ``max(id)``. Releasing the lock straight away (savepoint
rollback) keeps the pause for writers to the time in-flight inserts need to finish, a few
milliseconds, not the length of the rollup; ``lock_timeout`` caps it at 250 ms when a long
transaction is still inserting (that rollup then gives up and the next beat tries again). A pending-queue table claimed with ``DELETE ...
RETURNING`` would also be correct, but it doubles the writes of the hot path (the call INSERT
would insert a second row) and leaves dead tuples to vacuum at 1,000 calls/s; the lock costs
the writers nothing between rollups.

On SQLite (``make run``) writes are serialised: the database uses ``BEGIN IMMEDIATE``, so no
other insert is in flight while the rollup transaction runs, and ``max(id)`` is final.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import CallLog, RollupState
from .sql.rollup import tally_specs, window_add, window_end

logger = logging.getLogger(__name__)

STATE_NAME = "calls"
# Bounds one transaction: a backlog (the worker was down for hours) is worked off in batches.
DEFAULT_BATCH_SIZE = 500_000
# How long a rollup waits for inserts in flight to finish (writers queue behind it meanwhile).
WINDOW_LOCK_TIMEOUT = "250ms"

# Sent inside a window's transaction, after its upserts and before the mark moves and the
# transaction commits (kwargs: start, end, calls). Whatever a receiver raises rolls the whole
# window back. The reliability tests pause a worker here to kill it mid-rollup.
rollup_window_added = Signal()


@dataclass
class RollupResult:
    batches: int = 0
    calls: int = 0
    last_id: int = 0
    skipped: bool = False  # another rollup held the lock


def rollup_state_ensure() -> None:
    RollupState.objects.bulk_create([RollupState(name=STATE_NAME)], ignore_conflicts=True)


def _rollup_batch(*, batch_size: int, wait: bool) -> tuple[int, int, bool] | None:
    """One window in one transaction: (calls in it, the new mark, whether more remain), or None if locked."""
    with transaction.atomic():
        state = RollupState.objects.select_for_update(skip_locked=not wait).filter(name=STATE_NAME).first()
        if state is None:
            return None
        start = state.last_id
        ready = window_end(lock_timeout=WINDOW_LOCK_TIMEOUT)
        if ready is None:
            logger.info("calls still being inserted after %s; the next rollup will try again", WINDOW_LOCK_TIMEOUT)
            return 0, start, False
        # Ids can have long gaps (rolled-back inserts, a reset table): count the batch from the
        # first call above the mark, so a batch is never spent on an empty range.
        first = CallLog.objects.filter(id__gt=start).order_by("id").values_list("id", flat=True).first()
        end = min(ready, (first or ready + 1) - 1 + batch_size)
        if end <= start:
            return 0, start, False
        calls = window_add(tally_specs(), start=start, end=end)
        rollup_window_added.send(sender=None, start=start, end=end, calls=calls)
        RollupState.objects.filter(name=STATE_NAME).update(last_id=end, updated_at=timezone.now())
    return calls, end, end < ready


def rollup_calls(*, batch_size: int = DEFAULT_BATCH_SIZE, max_batches: int = 100, wait: bool = False) -> RollupResult:
    """Add every newly committed call to the tallies, exactly once.

    With wait=False a rollup that finds another one running returns at once (skipped=True):
    the running one, or the next beat, picks up the new calls.
    """
    rollup_state_ensure()
    result = RollupResult()
    for _ in range(max_batches):
        outcome = _rollup_batch(batch_size=batch_size, wait=wait)
        if outcome is None:
            result.skipped = True
            break
        calls, end, more = outcome
        if end != result.last_id and calls:
            result.batches += 1
            result.calls += calls
        result.last_id = end
        if not more:
            break
    if not result.skipped:
        _store_mark_floor(result.last_id)
    if result.calls:
        logger.info("rolled up %s calls in %s batches, mark at #%s", result.calls, result.batches, result.last_id)
    return result


def _floor_key() -> str:
    # Per database, so two databases sharing a cache (the benchmarks) never mix marks.
    return f"tallies:mark-floor:{connection.settings_dict['NAME']}"


def mark_floor() -> int:
    """A value no larger than the committed high-water mark, from the cache (0 when unknown).

    Readers give it to the planner as the lower bound of the live tail (tallies.selectors). The
    mark only grows, and each rollup run stores it after committing, so a cached value is never
    above the mark; if the rollup state is ever reset by hand, the next run (at most one beat
    later) stores the lower value.
    """
    from django.core.cache import cache

    return int(cache.get(_floor_key()) or 0)


def _store_mark_floor(mark: int) -> None:
    from django.core.cache import cache

    cache.set(_floor_key(), mark, timeout=None)


def rollup_mark() -> int:
    return RollupState.objects.filter(name=STATE_NAME).values_list("last_id", flat=True).first() or 0
