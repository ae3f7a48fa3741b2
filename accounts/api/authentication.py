from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import hash_token_key
from accounts.tokens import (
    NotATokenHeader,
    TokenRefused,
    token_entry,
    token_find,
    token_key_from_header,
    token_refusal,
    token_touch,
)
from accounts.two_factor import MESSAGE, staff_two_factor_missing


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`), checked by accounts.tokens (as the call fast path is)."""

    def authenticate(self, request):
        try:
            key = token_key_from_header(authentication.get_authorization_header(request))
        except NotATokenHeader:
            return None
        except TokenRefused as exc:
            raise exceptions.AuthenticationFailed(exc.message) from exc
        token = token_find(hash_token_key(key))
        entry = token_entry(token) if token is not None else None
        refusal = token_refusal(entry)
        if refusal is not None:
            if refusal.code == "authentication_failed":
                raise exceptions.AuthenticationFailed(refusal.message)
            # A known person who must do something first: 403 with its own code, as two-factor.
            raise exceptions.PermissionDenied(refusal.message, code=refusal.code)
        if missing := staff_two_factor_missing(user=token.user):
            raise exceptions.PermissionDenied(MESSAGE[missing], code="two_factor_required")
        token_touch(entry)
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """One scheme, declared as HTTP bearer: generators then send `Authorization: Bearer <key>`, which the
    server takes. An apiKey named Authorization would make them send the bare key, which it cannot tell from
    a malformed header."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "`Authorization: Bearer <key>`, with a key from the API tokens page. "
                "`Authorization: Token <key>` is taken too."
            ),
        }


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, whose CSRF refusal speaks the client's language.

    DRF words it "CSRF Failed: <Django's reason>", in English whatever was asked for.
    """

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _(
                    "The CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value, "
                    "from this site's own pages."
                )
            ) from exc


class CsrfSessionScheme(SessionScheme):
    target_class = "accounts.api.authentication.SessionAuthentication"
