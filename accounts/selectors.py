from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from .data_export import data_export_sections, when
from .models import ApiToken, Chapter, LocationHistory, Membership, User


def chapter_list_led_by(*, user):
    return Chapter.objects.filter(pk__in=Membership.objects.leads().filter(user=user).values("chapter_id")).order_by(
        "name"
    )


def chapter_is_led_by(*, chapter, user) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.leads().filter(chapter=chapter, user=user).exists()


def chapter_get_with_lead_flag(*, slug: str, user) -> Chapter | None:
    """The chapter with this slug carrying `is_lead` (the user leads it), or None. One query:
    the lead check rides along as an EXISTS."""
    is_lead = Membership.objects.leads().filter(chapter=OuterRef("pk"), user_id=user.pk)
    return Chapter.objects.annotate(is_lead=Exists(is_lead)).filter(slug=slug).first()


def chapter_get_for_lead(*, slug: str, user) -> Chapter | None:
    """The chapter with this slug if the user leads it or is staff, else None (missing or not theirs alike)."""
    if not user.is_authenticated:
        return None
    chapter = chapter_get_with_lead_flag(slug=slug, user=user)
    if chapter is None or not (chapter.is_lead or user.is_staff):
        return None
    return chapter


def chapter_is_member(*, chapter, user) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(chapter=chapter, user=user).exists()


def membership_list_for_user(*, user):
    """The user's memberships with their chapters, for "my chapters" lists (one query)."""
    return Membership.objects.filter(user=user).select_related("chapter").order_by("chapter__name", "chapter_id")


def membership_get_for_user(*, user, slug: str) -> Membership | None:
    """The user's membership in the chapter with this slug, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, chapter__slug=slug).select_related("chapter").first()


def chapter_member_list(*, chapter):
    """Members of a chapter, leads first. Only for the chapter's leads: callers check that first."""
    return (
        Membership.objects.filter(chapter=chapter)
        .select_related("user")
        .order_by(
            # "lead" sorts before "member".
            "role",
            "joined_at",
            "id",
        )
    )


def api_token_list_for_user(*, user):
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def user_get_with_memberships(*, user_id: int) -> User:
    """The user with memberships and their chapters prefetched (for the profile API)."""
    memberships = Membership.objects.select_related("chapter").order_by("chapter__name", "chapter_id")
    return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(pk=user_id)


def user_data_export(*, user) -> dict:
    """Everything the platform holds about a volunteer, as JSON-ready data: their own copy.

    Profile, chapter memberships, every ZIP held and when, what the feature apps hold (their calls with notes, their
    replies: sections registered in accounts.data_export) and API tokens. Token hashes and
    two-factor secrets are credentials, not data about them: only the tokens' names and dates
    are listed.
    """
    from allauth.account.models import EmailAddress

    return {
        "format": "call-your-officials-export/1",
        "exported_at": when(timezone.now()),
        "profile": {
            "email": user.email,
            "name": user.name,
            "zip_code": user.zip_code,
            "state": user.state,
            "district_ocd_id": user.district_ocd_id,
            "time_zone": user.time_zone,
            "reminder_frequency": user.reminder_frequency,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
        "memberships": [
            {"chapter": m.chapter.slug, "chapter_name": m.chapter.name, "role": m.role, "joined_at": when(m.joined_at)}
            for m in Membership.objects.filter(user=user).select_related("chapter").order_by("joined_at", "id")
        ],
        "location_history": [
            {
                "zip_code": h.zip_code,
                "state": h.state,
                "district_ocd_id": h.district_ocd_id,
                "from": when(h.valid_from),
                "to": when(h.valid_to),
            }
            for h in LocationHistory.objects.filter(user=user).order_by("valid_from", "id")
        ],
        **data_export_sections(user=user),
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": when(t.created_at), "revoked_at": when(t.revoked_at)}
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
    }


def location_held_at(*, user, at):
    """The ZIP (and district) the caller held at that moment, from their location history; None if none."""
    return (
        LocationHistory.objects.filter(user=user, valid_from__lte=at)
        .exclude(valid_to__lte=at)
        .order_by("-valid_from", "-id")
        .first()
    )
