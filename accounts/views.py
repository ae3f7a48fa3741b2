from http import HTTPStatus

from allauth.account.views import LogoutView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import AccountDeleteForm, ApiTokenCreateForm, ProfileForm
from .join_links import JoinLinkError, JoinLinkExpired, chapter_for_join_token, chapter_join_token_make
from .models import ApiToken


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {
        "name": user.name,
        "zip_code": user.zip_code,
        "time_zone": user.time_zone,
        "reminder_frequency": user.reminder_frequency,
        "call_now_emails": user.call_now_emails,
        "language": user.language,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("profile")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "accounts/profile.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account is deleted. The calls you made still count."))
        return redirect("home")
    return render(request, "accounts/profile_delete.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            # Rendered straight from the POST (no redirect) so the key is never put in a session,
            # a URL or the database; this response is the only place it ever appears.
            return render(request, "accounts/api_token_created.html", {"token": token, "key": key})
    tokens = selectors.api_token_list_for_user(user=request.user)
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens}, status=status)


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    try:
        token = services.api_token_revoke(user=request.user, token_id=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such token.") from exc
    messages.success(
        request, _("The token “%(name)s” is revoked; apps using it can no longer sign in.") % {"name": token.name}
    )
    return redirect("api_tokens")


@login_required
@never_cache
def profile_export(request):
    """The volunteer's own data as a JSON download (the API's GET /api/v1/me/export/ gives the same)."""
    data = selectors.user_data_export(user=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def chapter_list(request):
    memberships = selectors.membership_list_for_user(user=request.user)
    return render(request, "accounts/chapter_list.html", {"memberships": memberships})


def _membership_or_404(request, slug):
    membership = selectors.membership_get_for_user(user=request.user, slug=slug)
    if membership is None:
        raise Http404("You are not a member of this chapter.")
    return membership


@login_required
def chapter_detail(request, slug: str):
    membership = _membership_or_404(request, slug)
    chapter = membership.chapter
    context = {"chapter": chapter, "membership": membership, "is_lead": membership.is_lead}
    if context["is_lead"]:
        token = chapter_join_token_make(chapter=chapter)
        context["join_url"] = request.build_absolute_uri(reverse("chapter_join", args=[token]))
        context["join_link_days"] = max(1, round(settings.CHAPTER_JOIN_LINK_MAX_AGE / 86400))
        context["members"] = selectors.chapter_member_list(chapter=chapter)
    return render(request, "accounts/chapter_detail.html", context)


@login_required
def chapter_members(request, slug: str):
    membership = _membership_or_404(request, slug)
    if not membership.is_lead:
        raise PermissionDenied("Only the chapter's leads see its member list.")
    chapter = membership.chapter
    members = selectors.chapter_member_list(chapter=chapter)
    return render(request, "accounts/chapter_members.html", {"chapter": chapter, "members": members})


@login_required
@require_POST
def chapter_join_link_rotate(request, slug: str):
    membership = _membership_or_404(request, slug)
    services.chapter_join_link_rotate(chapter=membership.chapter, user=request.user)
    messages.success(request, _("New join link made: links shared before no longer work."))
    return redirect("chapter_detail", slug=membership.chapter.slug)


@require_http_methods(["GET", "POST"])
def chapter_join(request, token: str):
    try:
        chapter = chapter_for_join_token(token=token)
    except JoinLinkError as exc:
        status = HTTPStatus.GONE if isinstance(exc, JoinLinkExpired) else HTTPStatus.BAD_REQUEST
        return render(request, "accounts/chapter_join_invalid.html", {"message": exc.message}, status=status)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        _membership, created = services.chapter_join(user=request.user, chapter=chapter)
        if created:
            messages.success(request, _("Welcome to %(chapter)s!") % {"chapter": chapter.name})
        else:
            messages.info(request, _("You are already a member of %(chapter)s.") % {"chapter": chapter.name})
        return redirect("chapter_detail", slug=chapter.slug)
    is_member = selectors.chapter_is_member(chapter=chapter, user=request.user)
    return render(request, "accounts/chapter_join.html", {"chapter": chapter, "is_member": is_member})


@require_POST
def language_set(request):
    """The language switcher: same page, other language. Saved on the profile when signed in, and in a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    if request.user.is_authenticated:
        services.user_profile_update(user=request.user, language=language)
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=request.is_secure(),
    )
    return response


class _LogoutClearingThisPhone(LogoutView):
    """allauth's sign-out, which also tells the browser to forget what the service worker kept.

    `Clear-Site-Data` removes the pages kept for offline reading, any calls still waiting on the
    phone and the worker itself, even if the page's own script never ran (static/js/offline.js
    tries to send waiting calls first).
    """

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


logout_clearing_this_phone = _LogoutClearingThisPhone.as_view()
