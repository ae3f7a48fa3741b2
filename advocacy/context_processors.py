from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .offline import offline_user_key


def site(request):
    def leads_a_chapter():
        from accounts.selectors import chapter_list_led_by

        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and chapter_list_led_by(user=user).exists())

    def offline_key():
        user = getattr(request, "user", None)
        return offline_user_key(user) if user and user.is_authenticated else ""

    # Lazy: only pages that show the lead's menu pay for the query.
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_leads_a_chapter": SimpleLazyObject(leads_a_chapter),
        "offline_user_key": SimpleLazyObject(offline_key),
    }
