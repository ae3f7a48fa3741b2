"""Staff rights need two factors: a TOTP authenticator set up, and a session that used it to sign in."""

from allauth.account.authentication import get_authentication_records

SETUP = "setup"
VERIFY = "verify"
MESSAGE = {
    SETUP: "Staff accounts must set up two-factor authentication (TOTP) before using staff rights: see /accounts/2fa/.",
    VERIFY: "This session signed in with a password only: confirm your two-factor code before using staff rights.",
}


def staff_two_factor_missing(*, user, request=None) -> str | None:
    """Why this staff user may not act as staff now (SETUP or VERIFY), or None when they may.

    SETUP: no TOTP authenticator. VERIFY: the request's session records a sign-in (allauth keeps
    the methods used) and none of them was the second factor. A token carries no session: the
    key was created from a session that passed both factors.
    """
    if not (user.is_authenticated and user.is_staff):
        return None
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return SETUP
    if request is not None and hasattr(request, "session"):
        records = get_authentication_records(request, user)
        if records and not any(record.get("method") == "mfa" for record in records):
            return VERIFY
    return None
