from django.shortcuts import redirect
from django.urls import reverse

# Pages a staff member without two-factor may still reach: the setup itself, logout, assets.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/api/")


class StaffMFARequiredMiddleware:
    """Staff must set up TOTP two-factor before they can use the site or the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)
