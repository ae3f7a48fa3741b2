from .models import Chapter, Membership


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
