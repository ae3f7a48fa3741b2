import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import ZIP_CODE_VALIDATOR, ApiToken, Chapter, LocationHistory, Membership, User, hash_token_key
from .signals import join_link_rotated


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


class StateMoveTooSoon(ValidationError):
    """A second move to another state within STATE_MOVE_INTERVAL_DAYS: an error at the ZIP, with when it lifts."""

    def __init__(self, *, available_at: dt.datetime):
        days = settings.STATE_MOVE_INTERVAL_DAYS
        message = _(
            "You can move to another state once every %(days)s days, and you last did on %(last)s. "
            "Your ZIP code can be in another state again from %(when)s (UTC)."
        ) % {
            "days": days,
            "last": formats.date_format(available_at - dt.timedelta(days=days), "DATE_FORMAT"),
            "when": formats.date_format(available_at.astimezone(dt.UTC), "DATETIME_FORMAT"),
        }
        super().__init__({"zip_code": ValidationError(message, code="state_move_too_soon")})
        self.available_at = available_at


def user_location_set(*, user: User, zip_code: str, district_ocd_id: str = "", now=None) -> User:
    """Save where a caller lives: the ZIP, its state and, for a split ZIP, the district they chose.

    Changing the ZIP forgets an earlier district choice. Raises ValidationError for a
    malformed ZIP, a district the ZIP does not touch, or a second move to another state within
    STATE_MOVE_INTERVAL_DAYS (unless staff allowed it). Every change is kept in LocationHistory.
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
        raise ValidationError({"district_ocd_id": _("That district does not include this ZIP code.")})
    state = ZipDivision.objects.in_force().filter(zcta=zip5).values_list("state", flat=True).first() or state_for_zip(
        zip5
    )
    district = district_ocd_id or (user.district_ocd_id if user.zip5 == zip5 else "")
    _location_save(user=user, zip_code=zip_code, state=state or "", district_ocd_id=district, now=now)
    return user


def state_move_available_at(*, user: User, now=None) -> dt.datetime | None:
    """When the caller may next move to another state; None: now."""
    now = now or timezone.now()
    if user.state_move_allowed:
        return None
    last_move = (
        LocationHistory.objects.filter(user=user, is_move=True)
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
    ).first()
    if last_move is None:
        return None
    available = last_move + dt.timedelta(days=settings.STATE_MOVE_INTERVAL_DAYS)
    return available if available > now else None


def _last_state(*, user: User) -> str:
    """The last state the caller held (an empty location in between does not reset it)."""
    held = (
        LocationHistory.objects.filter(user=user)
        .exclude(state="")
        .order_by("-valid_from", "-id")
        .values_list("state", flat=True)
    ).first()
    return held or user.state


@transaction.atomic
def _location_save(*, user: User, zip_code: str, state: str, district_ocd_id: str, now=None) -> None:
    """Write the caller's location and its history row; one change at a time per caller (row lock)."""
    now = now or timezone.now()
    locked = User.objects.select_for_update().only("id", "state", "state_move_allowed").get(pk=user.pk)
    user.state_move_allowed = locked.state_move_allowed
    if (user.zip_code, user.state, user.district_ocd_id) == (zip_code, state, district_ocd_id):
        return
    previous = _last_state(user=user)
    is_move = bool(state and previous and state != previous)
    allowed_by_staff = False
    if is_move:
        available_at = state_move_available_at(user=user, now=now)
        if available_at is not None:
            raise StateMoveTooSoon(available_at=available_at)
        allowed_by_staff = user.state_move_allowed
    LocationHistory.objects.filter(user=user, valid_to__isnull=True).update(valid_to=now)
    if zip_code:
        LocationHistory.objects.create(
            user=user,
            zip_code=zip_code,
            state=state,
            district_ocd_id=district_ocd_id,
            valid_from=now,
            is_move=is_move,
            allowed_by_staff=allowed_by_staff,
        )
    user.zip_code, user.state, user.district_ocd_id = zip_code, state, district_ocd_id
    fields = ["zip_code", "state", "district_ocd_id"]
    if is_move and user.state_move_allowed:
        user.state_move_allowed = False
        fields.append("state_move_allowed")
    user.save(update_fields=fields)


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
            raise ValidationError({"district_ocd_id": _("Set a ZIP code before choosing a district.")})
        _location_save(user=user, zip_code="", state="", district_ocd_id="")
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
        _location_save(user=user, zip_code=user.zip_code, state=user.state, district_ocd_id="")


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
    # Invitations carry their own links; they stop working with the join link (rally listens).
    join_link_rotated.send(sender=Chapter, chapter=chapter, user=user)
    return chapter
