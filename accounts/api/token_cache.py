"""API tokens shared by every process through Redis, checked against a per-user generation on every request.

Why: looking a token and its user up in PostgreSQL is a round trip and half a millisecond of ORM
on every API request; on the call endpoint that was a third of the remaining work. A process
that reads a token from the database publishes what it read (the token's id, its user's id,
flags and ZIP) in Redis under the token's hash, with the user's generation it read first; every
process reads that entry in the same Redis round trip as the calls rate (tallies/api/fast_path.py)
and trusts it only while the user's generation is still that one. A token's user never changes,
so the hash-to-user map that names the generation's key is kept in each process (and in Redis,
for the processes that have not seen the token yet) without invalidation.

Explicit invalidation: revoking or deleting a token, and any save or deletion of the user (a new
ZIP, a deactivation, a role change), replaces the user's generation, at once and again when the
transaction commits, so every process refuses a revoked token, or sees the new ZIP, on its next
request. Generations are random values, set when missing: a key lost in a Redis restart reads
as a new value, never as an old one. An entry is published only by a read of the database that
came after the read of the generation it is filed under, so a revocation that commits between
the two is never hidden. With Redis down or backing off nothing is trusted: every request reads
the database, as without the cache. Entries also expire after MAX_AGE_SECONDS, which bounds
what a generation bump lost to a Redis outage at the moment of a revocation could cost.
"""

import json
import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from accounts.models import ApiToken
from advocacy.cache import redis_configured, redis_round_trip

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300
_MAX_USERS = 200_000


@dataclass(frozen=True, slots=True)
class TokenEntry:
    token_id: int
    user_id: int
    is_active: bool
    is_staff: bool
    zip_code: str
    district_ocd_id: str
    last_used_at: datetime | None


_user_of: dict[str, int] = {}  # token hash -> user id: never changes for a token
_lock = threading.Lock()


def generation_key(user_id: int) -> str:
    """The cache key (before the cache's prefix) of a user's generation."""
    return f"auth:generation:{user_id}"


def entry_key(key_hash: str) -> str:
    return f"auth:token:{key_hash}"


def user_key(key_hash: str) -> str:
    return f"auth:token-user:{key_hash}"


def new_generation() -> str:
    """A value no generation had before: 128 random bits.

    Every call on the hot path offers one (used only when the key is missing), so it comes from
    the process's Mersenne Twister, reseeded by Python in each forked worker, rather than from
    os.urandom, a system call per call. A generation only has to differ from the others; it
    guards no secret.
    """
    return f"{random.getrandbits(128):032x}"  # noqa: S311


def user_id_for(key_hash: str) -> int | None:
    """The token's user, if this process or Redis has seen the token (None: read the database)."""
    user_id = _user_of.get(key_hash)
    if user_id is None:
        found = redis_round_trip(lambda pipe, make_key: pipe.get(make_key(user_key(key_hash))))
        if found and found[0] is not None:
            user_id = int(found[0])
            learn_user(key_hash, user_id)
    return user_id


def learn_user(key_hash: str, user_id: int) -> None:
    with _lock:
        if len(_user_of) >= _MAX_USERS:
            _user_of.clear()
        _user_of[key_hash] = user_id


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
    return None if row is None else TokenEntry(*row)


def trusted(raw: bytes | None, generation: bytes | None) -> TokenEntry | None:
    """The published entry when it was read under the user's current generation, else None."""
    if raw is None or generation is None:
        return None
    try:
        *fields, filed_under = json.loads(raw)
    except ValueError:
        return None
    if filed_under != generation.decode(errors="replace"):
        return None
    fields[-1] = parse_datetime(fields[-1]) if fields[-1] else None
    return TokenEntry(*fields)


def publish(key_hash: str, entry: TokenEntry, generation: bytes) -> None:
    """Share an entry read from the database after `generation` was read (never before)."""
    value = json.dumps(
        [
            entry.token_id,
            entry.user_id,
            entry.is_active,
            entry.is_staff,
            entry.zip_code,
            entry.district_ocd_id,
            entry.last_used_at.isoformat() if entry.last_used_at else None,
            generation.decode(errors="replace"),
        ]
    )
    redis_round_trip(lambda pipe, make_key: pipe.set(make_key(entry_key(key_hash)), value, ex=MAX_AGE_SECONDS))


def clear() -> None:
    """Forget this process's hash-to-user map (tests)."""
    with _lock:
        _user_of.clear()


def _bump(user_id: int) -> None:
    """A new random generation. Only Redis holds generations: without it nothing is ever trusted."""
    done = redis_round_trip(lambda pipe, make_key: pipe.set(make_key(generation_key(user_id)), new_generation()))
    # MAX_AGE_SECONDS bounds what a bump lost to an outage costs. Without Redis configured there is
    # no generation to replace and nothing is ever trusted: not worth a line per save of a user.
    if done is None and redis_configured():
        logger.warning("could not replace the API token generation of user %s", user_id)


def invalidate_user(*, user_id: int) -> None:
    """No process trusts what Redis holds of this user's tokens: now, and when the transaction commits.

    The bump after commit is the one that matters (a process that reads the database between
    the first bump and the commit still sees the old row); the first one makes the change
    visible at once outside a transaction.
    """
    _bump(user_id)
    transaction.on_commit(lambda: _bump(user_id))
