from http import HTTPStatus

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User

from .services import reminders_unsubscribe
from .tokens import unsubscribe_token_read


# No CSRF token: the signed token in the URL is the credential, and mail clients POST here
# for RFC 8058 one-click unsubscribe ("List-Unsubscribe=One-Click") with no session or form.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    user_id = unsubscribe_token_read(token=token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
    done = False
    if request.method == "POST":
        user = reminders_unsubscribe(user=user)
        done = True
    return render(
        request,
        "reminders/unsubscribe.html",
        {"email": user.email, "done": done, "frequency_label": user.get_reminder_frequency_display()},
    )
