"""Signed tokens for links in rally emails: no login needed, and a changed token is refused."""

from django.core import signing

CALL_NOW_SALT = "rally.call_now.unsubscribe"
INVITATION_SALT = "rally.invitation"
INVITATION_STOP_SALT = "rally.invitation.stop"


def call_now_unsubscribe_token_make(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=CALL_NOW_SALT)


def invitation_token_make(*, invitation_id: int) -> str:
    return signing.dumps(invitation_id, salt=INVITATION_SALT)


def _read(token: str, salt: str) -> int | None:
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def call_now_unsubscribe_token_read(*, token: str) -> int | None:
    return _read(token, CALL_NOW_SALT)


def invitation_token_read(*, token: str) -> int | None:
    """The invitation id; whether it is still usable (unused, not expired) is the service's question."""
    return _read(token, INVITATION_SALT)


def invitation_stop_token_make(*, email: str) -> str:
    """The "never invite me again" link of an invitation email: it names the address, signed."""
    return signing.dumps(email, salt=INVITATION_STOP_SALT)


def invitation_stop_token_read(*, token: str) -> str | None:
    try:
        value = signing.loads(token, salt=INVITATION_STOP_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) and "@" in value else None
