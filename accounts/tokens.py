"""The one check of an API token: read the header, find the key, check the token and its user, touch last_used_at.

Called by the DRF authentication class (accounts/api/authentication.py) and by the call
endpoint's fast path (tallies/api/fast_path.py, through accounts/api/token_cache.py), so a
new rule for tokens (an expiry, a scope) is written here once. Plain Python: no DRF, no HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken

# `Authorization: Token <key>` or `Authorization: Bearer <key>`, in any case.
KEYWORDS = frozenset({"token", "bearer"})
# last_used_at is advisory; writing it on every request would turn each read into a write.
LAST_USED_RESOLUTION_SECONDS = 300


class NotATokenHeader(Exception):
    """The Authorization header is absent or names another scheme: not this check's business."""


class TokenRefused(Exception):
    """The header names a token that cannot be used; `code` is the API's error code."""

    def __init__(self, message, *, code: str = "authentication_failed"):
        super().__init__(str(message))
        self.message = message
        self.code = code


MALFORMED = _("The Authorization header must be 'Token <key>'.")
BAD_CHARACTERS = _("The token has invalid characters.")
INVALID = _("Invalid or revoked token.")
EMAIL_UNVERIFIED = _(
    "Confirm your email address first (follow the link in the email we sent you); then this token works."
)


def token_key_from_header(header: bytes) -> str:
    """The key of `Token <key>` / `Bearer <key>`; NotATokenHeader for another scheme, TokenRefused if malformed."""
    parts = header.split()
    if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
        raise NotATokenHeader
    if len(parts) != 2:
        raise TokenRefused(MALFORMED)
    try:
        return parts[1].decode()
    except UnicodeError as exc:
        raise TokenRefused(BAD_CHARACTERS) from exc


@dataclass(frozen=True, slots=True)
class TokenEntry:
    """What a request needs of a token and its user: small enough to be shared through Redis."""

    token_id: int
    user_id: int
    is_active: bool
    is_staff: bool
    email_verified: bool
    zip_code: str
    district_ocd_id: str
    last_used_at: datetime | None


def token_find(key_hash: str) -> ApiToken | None:
    """The active (unrevoked) token with this hash, its user loaded and `email_verified` annotated."""
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)
    return (
        ApiToken.objects.active()
        .select_related("user")
        .annotate(email_verified=Exists(verified))
        .filter(key_hash=key_hash)
        .first()
    )


def token_entry(token: ApiToken) -> TokenEntry:
    user = token.user
    return TokenEntry(
        token_id=token.pk,
        user_id=user.pk,
        is_active=user.is_active,
        is_staff=user.is_staff,
        email_verified=token.email_verified,
        zip_code=user.zip_code,
        district_ocd_id=user.district_ocd_id,
        last_used_at=token.last_used_at,
    )


def token_refusal(entry: TokenEntry | None) -> TokenRefused | None:
    """Why this token may not be used, or None. Staff pass here: their two-factor rule is the API's.

    A user whose email address is not verified cannot sign in; a token made before (or kept
    after the address changed) must not do more than the person could.
    """
    if entry is None or not entry.is_active:
        return TokenRefused(INVALID)
    if not entry.email_verified:
        return TokenRefused(EMAIL_UNVERIFIED, code="email_unverified")
    return None


def token_touch(entry: TokenEntry, *, now: datetime | None = None) -> datetime | None:
    """Record the token's use when the last record is older than the resolution; the new time, or None."""
    now = now or timezone.now()
    last = entry.last_used_at
    if last is not None and (now - last).total_seconds() <= LAST_USED_RESOLUTION_SECONDS:
        return None
    ApiToken.objects.filter(pk=entry.token_id).update(last_used_at=now)
    return now
