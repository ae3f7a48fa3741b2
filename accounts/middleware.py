from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from advocacy.errors import error_body

from .two_factor import MESSAGE, SETUP, staff_two_factor_missing

# Pages a staff member without two-factor may still reach: the setup itself, logout, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/")
_API_PREFIX = "/api/"


class StaffMFARequiredMiddleware:
    """Staff must set up TOTP two-factor, and sign in with it, before they can use the site, the API or the admin.

    Pages send them to the setup (or to confirm their code, when the session signed in with a
    password only); the API answers 403 in its error shape. Token requests are checked by the
    token authentication. The admin's own login form is also sent to allauth's login: Django's
    form would log a user in on the password alone, skipping the two-factor step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == reverse("admin:login"):
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return redirect(f"{reverse('account_login')}?{query}")
        user = getattr(request, "user", None)
        if user is not None and user.is_staff and not request.path.startswith(_ALLOWED_PREFIXES):
            missing = staff_two_factor_missing(user=user, request=request)
            if missing and request.path.startswith(_API_PREFIX):
                return JsonResponse(error_body("two_factor_required", MESSAGE[missing]), status=403)
            if missing:
                query = urlencode({"next": request.get_full_path()})
                target = "mfa_activate_totp" if missing == SETUP else "mfa_reauthenticate"
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class ProfileLanguageMiddleware:
    """The language a page is shown in: the profile's, else LocaleMiddleware's (switcher cookie, then browser).

    The API follows `?lang=` or Accept-Language only, never the profile, so a client gets what it
    asks for; an unknown `lang` is a 400 in the API's error shape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(_API_PREFIX):
            lang = request.GET.get("lang")
            if lang is not None:
                if lang not in dict(settings.LANGUAGES):
                    choices = ", ".join(code for code, _name in settings.LANGUAGES)
                    message = gettext("Unknown language “%(lang)s”: use one of %(choices)s.") % {
                        "lang": lang,
                        "choices": choices,
                    }
                    return JsonResponse(
                        error_body("validation_error", message, {"lang": [message]}),
                        status=400,
                    )
                translation.activate(lang)
                request.LANGUAGE_CODE = lang
        else:
            user = getattr(request, "user", None)
            language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
