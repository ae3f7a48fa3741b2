"""API tokens remembered in each process, checked against a per-user generation in Redis on every request.

Why: looking a token and its user up in PostgreSQL is a round trip on every API request; on the
call endpoint that is half of the database work. A process keeps what it read (the token's id,
its user's id, flags and ZIP) keyed by the token's hash, and trusts it only while the user's
generation in Redis is the one it was read under. The caller reads the generation in the same
Redis round trip as the calls rate (tallies/api/fast_path.py), so the check costs nothing extra.

Explicit invalidation: revoking a token, and any save or deletion of the user (a new ZIP, a
deactivation, a role change), replaces the user's generation when the transaction commits, so
every process refuses a revoked token, or sees the new ZIP, on its next request. Generations are
random values, set when missing: a key lost in a Redis restart reads as a new value, never as an
old one. An entry is trusted only when its database read came after the generation read it is
filed under (`remember(..., confirmed=True)`); an entry read before (on a first sight of the
token) is confirmed by a second read on its next use, so a revocation that commits between the
two reads is never missed. With Redis down or backing off nothing is trusted: every request
reads the database, as without the cache.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts.models import ApiToken

logger = logging.getLogger(__name__)

# An upper bound on trusting an entry even while its generation is unchanged (a generation bump
# lost to a Redis outage at the moment of a revocation is covered by this).
MAX_AGE_SECONDS = 300.0
_MAX_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class TokenEntry:
    token_id: int
    user_id: int
    is_active: bool
    is_staff: bool
    zip_code: str
    district_ocd_id: str
    last_used_at: datetime | None
    generation: str | None = None
    confirmed: bool = False
    loaded_at: float = 0.0


_entries: dict[str, TokenEntry] = {}
_lock = threading.Lock()


def generation_key(user_id: int) -> str:
    """The cache key (before the cache's prefix) of a user's generation."""
    return f"auth:generation:{user_id}"


def new_generation() -> str:
    return uuid.uuid4().hex


def cached(key_hash: str) -> TokenEntry | None:
    entry = _entries.get(key_hash)
    if entry is not None and time.monotonic() - entry.loaded_at > MAX_AGE_SECONDS:
        return None
    return entry


def trusted(entry: TokenEntry | None, generation: str | None) -> bool:
    """Whether an entry may answer for the database under the generation just read from Redis."""
    return entry is not None and generation is not None and entry.confirmed and entry.generation == generation


def load(key_hash: str) -> TokenEntry | None:
    """The active token with this hash and its user, from the database (None: unknown or revoked)."""
    row = (
        ApiToken.objects.active()
        .filter(key_hash=key_hash)
        .values_list(
            "id",
            "user_id",
            "user__is_active",
            "user__is_staff",
            "user__zip_code",
            "user__district_ocd_id",
            "last_used_at",
        )
        .first()
    )
    if row is None:
        forget(key_hash)
        return None
    return TokenEntry(*row, loaded_at=time.monotonic())


def remember(key_hash: str, entry: TokenEntry, *, generation: str | None, confirmed: bool) -> TokenEntry:
    """File an entry under the generation read from Redis; nothing is kept when Redis was not read."""
    if generation is None:
        forget(key_hash)
        return entry
    entry = TokenEntry(
        entry.token_id,
        entry.user_id,
        entry.is_active,
        entry.is_staff,
        entry.zip_code,
        entry.district_ocd_id,
        entry.last_used_at,
        generation,
        confirmed,
        entry.loaded_at,
    )
    with _lock:
        if len(_entries) >= _MAX_ENTRIES:
            _entries.clear()
        _entries[key_hash] = entry
    return entry


def forget(key_hash: str) -> None:
    with _lock:
        _entries.pop(key_hash, None)


def clear() -> None:
    """Forget every entry of this process (tests; Redis unreachable)."""
    with _lock:
        _entries.clear()


def touched(key_hash: str, entry: TokenEntry, when: datetime) -> None:
    """Record a last_used_at written to the database, so the next requests don't write it again."""
    with _lock:
        if _entries.get(key_hash) is entry:
            _entries[key_hash] = TokenEntry(
                entry.token_id,
                entry.user_id,
                entry.is_active,
                entry.is_staff,
                entry.zip_code,
                entry.district_ocd_id,
                when,
                entry.generation,
                entry.confirmed,
                entry.loaded_at,
            )


def _bump(user_id: int) -> None:
    """A new random generation. Only Redis holds generations: without it nothing is ever trusted."""
    from advocacy.cache import redis_round_trip

    done = redis_round_trip(lambda pipe, make_key: pipe.set(make_key(generation_key(user_id)), new_generation()))
    if done is None:  # MAX_AGE_SECONDS bounds what a bump lost to an outage costs
        logger.warning("could not replace the API token generation of user %s", user_id)


def invalidate_user(*, user_id: int) -> None:
    """Every process stops trusting what it remembers of this user's tokens: now, and when the transaction commits.

    The bump after commit is the one that matters (a process that reads the database between
    the first bump and the commit still sees the old row); the first one makes the change
    visible at once outside a transaction.
    """
    _bump(user_id)
    transaction.on_commit(lambda: _bump(user_id))
