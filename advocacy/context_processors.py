from django.conf import settings
from django.utils.functional import SimpleLazyObject


def site(request):
    def leads_a_chapter():
        from accounts.selectors import chapter_list_led_by

        user = getattr(request, "user", None)
        return bool(user and user.is_authenticated and chapter_list_led_by(user=user).exists())

    # Lazy: only pages that show the lead's menu pay for the query.
    return {"SITE_NAME": settings.SITE_NAME, "user_leads_a_chapter": SimpleLazyObject(leads_a_chapter)}
