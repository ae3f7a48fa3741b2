"""Pages for leads rallying their chapter, and the links in rally emails. Every write goes through rally.services."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Chapter, Membership, User
from accounts.selectors import chapter_get_with_lead_flag
from campaigns.models import Campaign

from . import selectors, services
from .forms import CallDayForm, CallNowForm, InvitationForm
from .models import CallDay, CallNowMessage
from .tokens import call_now_unsubscribe_token_read, invitation_token_read


def _chapter_for_lead(request, slug: str) -> Chapter:
    chapter = chapter_get_with_lead_flag(slug=slug, user=request.user)
    if chapter is None:
        raise Http404("No such chapter.")
    if not (chapter.is_lead or request.user.is_staff):
        raise PermissionDenied("Only this chapter's leads can rally its members.")
    return chapter


def _campaign_for(chapter: Chapter, campaign_slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.published(), slug=campaign_slug)
    if campaign.chapter_id not in (None, chapter.pk):
        raise PermissionDenied("That campaign belongs to another chapter.")
    return campaign


def _rally_context(chapter, campaign, **extra):
    return {
        "chapter": chapter,
        "campaign": campaign,
        "zone_label": chapter.zone.key.replace("_", " "),
        "call_days": selectors.call_day_list(chapter=chapter, campaign=campaign),
        "call_now_results": selectors.call_now_list(chapter=chapter, campaign=campaign),
        "sent_today": selectors.call_now_sent_today(chapter=chapter, campaign=campaign),
        "call_day_form": CallDayForm(),
        "call_now_form": CallNowForm(),
        **extra,
    }


@login_required
@require_GET
def rally(request, slug, campaign_slug):
    chapter = _chapter_for_lead(request, slug)
    campaign = _campaign_for(chapter, campaign_slug)
    return render(request, "rally/rally.html", _rally_context(chapter, campaign))


@login_required
@require_POST
def call_day_create(request, slug, campaign_slug):
    chapter = _chapter_for_lead(request, slug)
    campaign = _campaign_for(chapter, campaign_slug)
    form = CallDayForm(request.POST)
    if form.is_valid():
        try:
            services.call_day_schedule(chapter=chapter, campaign=campaign, user=request.user, **form.cleaned_data)
        except services.RallyError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Call day planned for {form.cleaned_data['day']:%A %d %B}.")
            return redirect("rally:rally", slug=chapter.slug, campaign_slug=campaign.slug)
    context = _rally_context(chapter, campaign, call_day_form=form)
    return render(request, "rally/rally.html", context, status=HTTPStatus.BAD_REQUEST)


@login_required
@require_POST
def call_now(request, slug, campaign_slug):
    """Two steps on one URL: without `confirm`, a preview with the number of recipients; with it, send."""
    chapter = _chapter_for_lead(request, slug)
    campaign = _campaign_for(chapter, campaign_slug)
    form = CallNowForm(request.POST)
    if not form.is_valid():
        context = _rally_context(chapter, campaign, call_now_form=form)
        return render(request, "rally/rally.html", context, status=HTTPStatus.BAD_REQUEST)
    include_me = form.cleaned_data["include_me"]
    if request.POST.get("confirm") != "send":
        recipients = selectors.call_now_recipients(
            chapter=chapter, campaign=campaign, sender=request.user, include_sender=include_me
        ).count()
        context = _rally_context(
            chapter,
            campaign,
            call_now_form=form,
            preview=form.cleaned_data["message"],
            include_me=include_me,
            recipients=recipients,
            outside_hours=selectors.call_now_outside_hours(chapter=chapter),
        )
        return render(request, "rally/rally.html", context)
    try:
        services.call_now_create(
            chapter=chapter,
            campaign=campaign,
            message=form.cleaned_data["message"],
            user=request.user,
            include_me=include_me,
        )
    except services.RallyError as exc:
        form.add_error(None, exc.message)
        context = _rally_context(chapter, campaign, call_now_form=form)
        return render(request, "rally/rally.html", context, status=HTTPStatus.CONFLICT)
    messages.success(request, "Your message is on its way.")
    return redirect(reverse("rally:rally", args=[chapter.slug, campaign.slug]) + "#call-now-results")


@login_required
@require_GET
def call_now_progress(request, message_id):
    message = get_object_or_404(CallNowMessage.objects.select_related("chapter", "campaign"), pk=message_id)
    _chapter_for_lead(request, message.chapter.slug)
    progress = selectors.call_now_progress(message=message)
    return render(request, "rally/includes/_call_now_progress.html", {"item": message, "progress": progress})


@login_required
@require_GET
def calls_today(request, call_day_id):
    call_day = get_object_or_404(CallDay.objects.select_related("chapter", "campaign"), pk=call_day_id)
    if not (request.user.is_staff or Membership.objects.filter(chapter=call_day.chapter, user=request.user).exists()):
        raise PermissionDenied("Only the chapter's members see its count.")
    count = selectors.call_day_calls_so_far(call_day=call_day)
    return render(request, "rally/includes/_calls_today.html", {"call_day": call_day, "count": count})


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, slug):
    chapter = _chapter_for_lead(request, slug)
    form = InvitationForm(request.POST or None)
    result = None
    status = HTTPStatus.OK
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.invitations_create(
                    chapter=chapter, addresses=form.cleaned_data["addresses"], user=request.user
                )
            except services.RallyError as exc:
                form.add_error(None, exc.message)
                status = HTTPStatus.BAD_REQUEST
            else:
                form = InvitationForm()
        else:
            status = HTTPStatus.BAD_REQUEST
    context = {
        "chapter": chapter,
        "form": form,
        "result": result,
        "invitations": selectors.invitation_list(chapter=chapter),
        "counts": selectors.invitation_counts(chapter=chapter),
    }
    return render(request, "rally/invitations.html", context, status=status)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_check(invitation_id=invitation_token_read(token=token))
    except services.RallyError as exc:
        return render(request, "rally/invitation_invalid.html", {"message": exc.message}, status=HTTPStatus.GONE)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            services.invitation_accept(invitation_id=invitation.pk, user=request.user)
        except services.RallyError as exc:
            return render(request, "rally/invitation_invalid.html", {"message": exc.message}, status=HTTPStatus.GONE)
        messages.success(request, f"Welcome to {invitation.chapter.name}!")
        return redirect("chapter_detail", slug=invitation.chapter.slug)
    return render(request, "rally/invitation_accept.html", {"invitation": invitation, "chapter": invitation.chapter})


# No CSRF token: the signed token in the URL is the credential (RFC 8058 one-click from mail clients).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def call_now_unsubscribe(request, token):
    user_id = call_now_unsubscribe_token_read(token=token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
    done = False
    if request.method == "POST":
        user = services.call_now_unsubscribe(user=user)
        done = True
    return render(request, "rally/call_now_unsubscribe.html", {"email": user.email, "done": done})
