"""API tokens shared by every process through Redis, checked against a per-user generation on every request.

Why: looking a token and its user up in PostgreSQL is a round trip and ORM work on every API
request; on the call endpoint it was a large share of the remaining work (bench/README.md has the
figures). A process
that reads a token from the database publishes what it read (the token's id, its user's id,
flags and ZIP) in Redis under the token's hash, with the user's generation it read first; every
process reads that entry in the same Redis round trip as the calls rate (tallies/api/fast_path.py)
and trusts it only while the user's generation is still that one. A token's user never changes,
so the hash-to-user map that names the generation's key is kept in each process (and in Redis,
for the processes that have not seen the token yet) without invalidation.

Explicit invalidation: revoking or deleting a token, and any save or deletion of the user (a new
ZIP, a deactivation, a role change), replaces the user's generation (advocacy.cache.Generation),
at once and again when the transaction commits, so every process refuses a revoked token, or sees the new ZIP, on its next
request. Generations are random values, set when missing: a key lost in a Redis restart reads
as a new value, never as an old one. An entry is published only by a read of the database that
came after the read of the generation it is filed under, so a revocation that commits between
the two is never hidden. With Redis not configured, down or backing off nothing is trusted: every request reads
the database, as without the cache. Entries also expire after MAX_AGE_SECONDS, which bounds
what a generation bump lost to a Redis outage at the moment of a revocation could cost.
"""

import json

from allauth.account.models import EmailAddress
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from accounts.models import ApiToken, User
from accounts.tokens import TokenEntry, token_entry, token_find
from advocacy.cache import FOREVER, Generation, ProcessCache, redis_round_trip

MAX_AGE_SECONDS = 300

# token hash -> user id: never changes for a token. Larger than the usual cap: one entry per
# token seen, and a miss costs a Redis round trip on the call endpoint.
_user_of = ProcessCache(max_entries=200_000)


def generation_key(user_id: int) -> str:
    """The cache key (before the cache's prefix) of a user's generation."""
    return f"auth:generation:{user_id}"


def entry_key(key_hash: str) -> str:
    return f"auth:token:{key_hash}"


def user_key(key_hash: str) -> str:
    return f"auth:token-user:{key_hash}"


def user_id_for(key_hash: str) -> int | None:
    """The token's user, if this process or Redis has seen the token (None: read the database)."""
    user_id = _user_of.get_many(FOREVER, (key_hash,)).get(key_hash)
    if user_id is None:
        found = redis_round_trip(lambda pipe, make_key: pipe.get(make_key(user_key(key_hash))))
        if found and found[0] is not None:
            user_id = int(found[0])
            learn_user(key_hash, user_id)
    return user_id


def learn_user(key_hash: str, user_id: int) -> None:
    _user_of.put_many(FOREVER, {key_hash: user_id})


def load(key_hash: str) -> TokenEntry | None:
    """The active token with this hash and its user, from the database (None: unknown or revoked)."""
    token = token_find(key_hash)
    return None if token is None else token_entry(token)


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
    try:
        fields[-1] = parse_datetime(fields[-1]) if fields[-1] else None
        return TokenEntry(*fields)
    except (TypeError, ValueError):  # an entry of another shape (published by an older release)
        return None


def publish(key_hash: str, entry: TokenEntry, generation: bytes) -> None:
    """Share an entry read from the database after `generation` was read (never before)."""
    value = json.dumps(
        [
            entry.token_id,
            entry.user_id,
            entry.is_active,
            entry.is_staff,
            entry.email_verified,
            entry.zip_code,
            entry.district_ocd_id,
            entry.last_used_at.isoformat() if entry.last_used_at else None,
            generation.decode(errors="replace"),
        ]
    )
    redis_round_trip(lambda pipe, make_key: pipe.set(make_key(entry_key(key_hash)), value, ex=MAX_AGE_SECONDS))


def clear() -> None:
    """Forget this process's hash-to-user map (tests)."""
    _user_of.clear()


def invalidate_user(*, user_id: int) -> None:
    """No process trusts what Redis holds of this user's tokens: now, and when the transaction commits.

    MAX_AGE_SECONDS bounds what a replacement lost to a Redis outage costs.
    """
    Generation(generation_key(user_id)).invalidate()


# Each change that can change a token's answer replaces its user's generation. Connected by
# AccountsConfig.ready in every process.
@receiver(post_save, sender=ApiToken, dispatch_uid="token_cache_token_saved")
@receiver(post_delete, sender=ApiToken, dispatch_uid="token_cache_token_deleted")
@receiver(post_save, sender=EmailAddress, dispatch_uid="token_cache_email_saved")
@receiver(post_delete, sender=EmailAddress, dispatch_uid="token_cache_email_deleted")
def _token_changed(sender, instance, **kwargs):
    invalidate_user(user_id=instance.user_id)


@receiver(post_save, sender=User, dispatch_uid="token_cache_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="token_cache_user_deleted")
def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing the token cache holds
    invalidate_user(user_id=instance.pk)
