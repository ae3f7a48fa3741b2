from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, hash_token_key
from accounts.two_factor import MESSAGE, staff_two_factor_missing

# last_used_at is advisory; writing it on every request would turn each read into a write.
LAST_USED_RESOLUTION_SECONDS = 300


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`), checked against stored SHA-256 hashes."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Token <key>'.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token has invalid characters.") from exc
        token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_token_key(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if missing := staff_two_factor_missing(user=token.user):
            raise exceptions.PermissionDenied(MESSAGE[missing], code="two_factor_required")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
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
