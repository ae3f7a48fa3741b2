"""The lookup cache: officials per state and per district, keyed by a generation token.

Officials change when an import runs or staff edit them, not between page views, so a
lookup caches the entries of a state's offices and of each district's offices. Every write
to an officials table replaces the generation token (signals for single rows, the importers
for bulk writes), which makes every earlier entry unreachable at once. The date is part of
the key because the current holder is derived from term dates.

The cache is a hint: if it fails (Redis down), the lookup reads the database.
"""

import contextlib
import logging
import threading
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
GENERATION_KEY = "officials:generation"
TIMEOUT = 6 * 3600


def generation() -> str:
    """The token every cached lookup is keyed under. While Redis is down (the cache backend reads
    misses and drops writes) it is a fresh one each time, so nothing stale is served."""
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(GENERATION_KEY, token, None)
        token = cache.get(GENERATION_KEY) or token
    return token


def _bump() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


_state = threading.local()


def invalidate() -> None:
    """Forget every cached lookup, now and again when the surrounding transaction commits."""
    if getattr(_state, "batched", False):
        _state.dirty = True
        return
    _bump()
    transaction.on_commit(_bump)


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
# unpickling. It lives as long as the generation token it was filled under.
_LOCAL_MAX = 5000
_local: dict = {"token": None, "values": {}}


def _local_values(token: str) -> dict:
    if _local["token"] != token or len(_local["values"]) > _LOCAL_MAX:
        _local["token"], _local["values"] = token, {}
    return _local["values"]


def get_many(keys: list[str], *, token: str) -> dict:
    local = _local_values(token)
    found = {k: local[k] for k in keys if k in local}
    missing = [k for k in keys if k not in found]
    if missing:
        shared = cache.get_many(missing)
        local.update(shared)
        found.update(shared)
    return found


def set_many(values: dict, *, token: str) -> None:
    _local_values(token).update(values)
    cache.set_many(values, TIMEOUT)


def zip_map_in_force(*, token: str):
    """The ZIP map in force today (None for the undated base), once per process, generation and day.

    The day is part of the key, so a map loaded ahead takes over on its first day without a write.
    """
    from .models import zip_map_in_force as in_force

    key = f"zip-map:{timezone.localdate().isoformat()}"
    local = _local_values(token) if token else {}
    if key not in local:
        local[key] = in_force()
    return local[key]


def divisions_by_id(*, token: str) -> dict:
    """Every Division by id (a few hundred rows), loaded once per process and generation."""
    local = _local_values(token)
    divisions = local.get("divisions")
    if divisions is None:
        from .models import Division

        divisions = local["divisions"] = Division.objects.in_bulk()
    return divisions
