"""Signed one-click unsubscribe tokens: no login needed, and a changed token is refused."""

from django.core import signing

SALT = "reminders.unsubscribe"


def unsubscribe_token_make(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=SALT)


def unsubscribe_token_read(*, token: str) -> int | None:
    """The user id the token was made for, or None when it was tampered with or is malformed."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
