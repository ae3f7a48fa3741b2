import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ZIP_CODE_VALIDATOR, ApiToken, Chapter, Membership, User, hash_token_key


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
    from officials.selectors import InvalidZipCode, normalise_zip, state_for_zip

    try:
        zip5 = normalise_zip(zip_code)
    except InvalidZipCode as exc:
        raise ValidationError({"zip_code": exc.error_list}) from exc
    zip_code = zip_code.strip()
    if (
        district_ocd_id
        and not ZipDivision.objects.in_force().filter(zcta=zip5, division__ocd_id=district_ocd_id).exists()
    ):
        raise ValidationError({"district_ocd_id": "That district does not include this ZIP code."})
    if user.zip5 != zip5:
        user.district_ocd_id = ""
    user.zip_code = zip_code
    state = ZipDivision.objects.in_force().filter(zcta=zip5).values_list("state", flat=True).first() or state_for_zip(
        zip5
    )
    user.state = state or ""
    if district_ocd_id:
        user.district_ocd_id = district_ocd_id
    user.save(update_fields=["zip_code", "state", "district_ocd_id"])
    return user


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    name: str | None = None,
    zip_code: str | None = None,
    district_ocd_id: str | None = None,
    time_zone: str | None = None,
    reminder_frequency: str | None = None,
    call_now_emails: bool | None = None,
    language: str | None = None,
) -> User:
    """Update the fields given (None leaves a field alone).

    The location goes through user_location_set, so the state is re-derived from the ZIP and a
    district chosen for an earlier ZIP is dropped. An empty ZIP clears the whole location; an
    empty district_ocd_id clears only the district choice.
    """
    fields = []
    if name is not None:
        user.name = name.strip()
        fields.append("name")
    if time_zone is not None:
        user.time_zone = time_zone
        fields.append("time_zone")
    if reminder_frequency is not None:
        user.reminder_frequency = reminder_frequency
        fields.append("reminder_frequency")
    if call_now_emails is not None:
        user.call_now_emails = call_now_emails
        fields.append("call_now_emails")
    if language is not None:
        user.language = language
        fields.append("language")
    if fields:
        user.clean_fields(exclude=[f.name for f in User._meta.concrete_fields if f.name not in fields])
        user.save(update_fields=fields)
    if zip_code is not None or district_ocd_id is not None:
        _user_location_update(user=user, zip_code=zip_code, district_ocd_id=district_ocd_id)
    return user


def _user_location_update(*, user: User, zip_code: str | None, district_ocd_id: str | None) -> None:
    new_zip = user.zip_code if zip_code is None else zip_code.strip()
    if not new_zip:
        if district_ocd_id:
            raise ValidationError({"district_ocd_id": "Set a ZIP code before choosing a district."})
        if user.zip_code or user.state or user.district_ocd_id:
            user.zip_code = user.state = user.district_ocd_id = ""
            user.save(update_fields=["zip_code", "state", "district_ocd_id"])
        return
    zip_changed = new_zip != user.zip_code
    if zip_changed:
        try:
            ZIP_CODE_VALIDATOR(new_zip)
        except ValidationError as exc:
            raise ValidationError({"zip_code": exc.messages}) from exc
    if zip_changed or district_ocd_id:
        user_location_set(user=user, zip_code=new_zip, district_ocd_id=district_ocd_id or "")
    if district_ocd_id == "" and user.district_ocd_id:
        user.district_ocd_id = ""
        user.save(update_fields=["district_ocd_id"])


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account. Calls it logged stay counted: CallLog.user is SET_NULL."""
    user.delete()


def chapter_join(*, user: User, chapter: Chapter) -> tuple[Membership, bool]:
    """Make the user a member. Joining again changes nothing (a lead stays a lead)."""
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(
                user=user, chapter=chapter, defaults={"role": Membership.Role.MEMBER}
            )
    except IntegrityError:
        # Two joins raced (a double click); the other one created the row.
        return Membership.objects.get(user=user, chapter=chapter), False


def chapter_join_link_rotate(*, chapter: Chapter, user: User) -> Chapter:
    """A new join link for the chapter: every link given out before stops working at once."""
    if not Membership.objects.leads().filter(chapter=chapter, user=user).exists():
        raise PermissionDenied("Only the chapter's leads can make a new join link.")
    Chapter.objects.filter(pk=chapter.pk).update(join_link_version=F("join_link_version") + 1)
    chapter.refresh_from_db(fields=["join_link_version"])
    return chapter
