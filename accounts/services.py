import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .api.authentication import hash_token_key
from .models import ApiToken, User


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token. Returns the row and the key, which is never stored or shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, such as the app that will use it."})
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token_key(key), prefix=key[:8])
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_location_set(*, user: User, zip_code: str, district_ocd_id: str = "") -> User:
    """Save where a caller lives: the ZIP, its state and, for a split ZIP, the district they chose.

    Changing the ZIP forgets an earlier district choice. Raises ValidationError for a
    malformed ZIP or a district the ZIP does not touch.
    """
    from officials.models import ZipDivision
    from officials.selectors import normalise_zip, state_for_zip

    zip5 = normalise_zip(zip_code)
    zip_code = zip_code.strip()
    if district_ocd_id and not ZipDivision.objects.filter(zcta=zip5, division__ocd_id=district_ocd_id).exists():
        raise ValidationError({"district_ocd_id": "That district does not include this ZIP code."})
    if user.zip5 != zip5:
        user.district_ocd_id = ""
    user.zip_code = zip_code
    state = ZipDivision.objects.filter(zcta=zip5).values_list("state", flat=True).first() or state_for_zip(zip5)
    user.state = state or ""
    if district_ocd_id:
        user.district_ocd_id = district_ocd_id
    user.save(update_fields=["zip_code", "state", "district_ocd_id"])
    return user
