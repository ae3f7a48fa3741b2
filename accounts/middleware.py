from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

# Pages a staff member without two-factor may still reach: the setup itself, logout, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/api/")


class StaffMFARequiredMiddleware:
    """Staff must set up TOTP two-factor before they can use the site or the admin.

    The admin's own login form is also sent to allauth's login: Django's form would log a
    user in on the password alone, skipping the two-factor step.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == reverse("admin:login"):
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return redirect(f"{reverse('account_login')}?{query}")
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)
