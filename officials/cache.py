"""The lookup cache: officials per state and per district, keyed by a generation.

Officials change when an import runs or staff edit them, not between page views, so a
lookup caches the entries of a state's offices and of each district's offices. Every write
to an officials table replaces the generation (advocacy.cache.Generation; signals for single
rows, the importers for bulk writes), which makes every earlier entry unreachable at once.
The date is part of the key because the current holder is derived from term dates.

The cache is a hint: if it fails (Redis down), the lookup reads the database.
"""

import contextlib
import threading

from django.core.cache import cache
from django.utils import timezone

from advocacy.cache import Generation, ProcessCache

GENERATION = Generation("officials:generation")
TIMEOUT = 6 * 3600


def generation():
    """The generation every cached lookup is keyed under; None while Redis is failing (read the database)."""
    return GENERATION.current()


_state = threading.local()


def invalidate() -> None:
    """Forget every cached lookup, in every process: now, and again when the surrounding transaction commits."""
    if getattr(_state, "batched", False):
        _state.dirty = True
        return
    GENERATION.invalidate()


@contextlib.contextmanager
def batched():
    """One invalidation for a whole import instead of one per row written."""
    _state.batched, _state.dirty = True, False
    try:
        yield
    finally:
        _state.batched = False
        if _state.dirty:
            invalidate()


def entry_keys(*, token: str, state: str, division_ids: list[int]) -> tuple[str, list[str]]:
    today = timezone.localdate().isoformat()
    state_key = f"officials:{token}:{today}:state:{state}"
    return state_key, [f"officials:{token}:{today}:cd:{pk}" for pk in division_ids]


# A per-process copy in front of the shared cache: a hit costs no network round trip and no
# unpickling. It lives as long as the generation it was filled under.
_local = ProcessCache()


def clear_process_cache() -> None:
    """Forget this process's copy (tests)."""
    _local.clear()


def get_many(keys: list[str], *, token) -> dict:
    found = _local.get_many(token, keys)
    missing = [k for k in keys if k not in found]
    if missing:
        shared = cache.get_many(missing)
        _local.put_many(token, shared)
        found.update(shared)
    return found


def set_many(values: dict, *, token) -> None:
    _local.put_many(token, values)
    cache.set_many(values, TIMEOUT)


def zip_map_in_force(*, token: str):
    """The ZIP map in force today (None for the undated base), once per process, generation and day.

    The day is part of the key, so a map loaded ahead takes over on its first day without a write.
    """
    from .models import zip_map_in_force as in_force

    return _local.get_or_load(token or None, f"zip-map:{timezone.localdate().isoformat()}", in_force)


def divisions_by_id(*, token: str) -> dict:
    """Every Division by id (a few hundred rows), loaded once per process and generation."""
    from .models import Division

    return _local.get_or_load(token or None, "divisions", Division.objects.in_bulk)
