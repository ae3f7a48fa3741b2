from django.db.models import Prefetch

from .models import ApiToken, Chapter, Membership, User


def chapter_list_for_user(*, user):
    return Chapter.objects.filter(memberships__user=user).order_by("name")


def chapter_list_led_by(*, user):
    return Chapter.objects.filter(memberships__user=user, memberships__role=Membership.Role.LEAD).order_by("name")


def chapter_is_led_by(*, chapter, user) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(chapter=chapter, user=user, role=Membership.Role.LEAD).exists()


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
