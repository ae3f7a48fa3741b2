"""Pages for leads rallying their chapter, and the links in rally emails. Every write goes through rally.services."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Chapter, Membership, User
from accounts.selectors import chapter_get_for_lead
from accounts.time_zones import zone_display_name
from campaigns.models import Campaign

from . import selectors, services
from .forms import CallDayForm, CallNowForm, InvitationForm
from .models import CallDay, CallNowMessage, Invitation
from .tokens import call_now_unsubscribe_token_read, invitation_stop_token_read, invitation_token_read


def _chapter_for_lead(request, slug: str) -> Chapter:
    """The chapter if the user leads it (or is staff). Another chapter answers exactly like a
    missing one (404), so its slug cannot be told apart from a made-up one."""
    chapter = chapter_get_for_lead(slug=slug, user=request.user)
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def _campaign_for(chapter: Chapter, campaign_slug: str) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.published(), slug=campaign_slug)
    if campaign.chapter_id not in (None, chapter.pk):
        raise Http404("No such campaign.")
    return campaign


def _rally_context(chapter, campaign, **extra):
    return {
        "chapter": chapter,
        "campaign": campaign,
        "zone_label": zone_display_name(chapter.zone.key),
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
            messages.success(request, f"Call day planned for {date_format(form.cleaned_data['day'], 'DATE_FORMAT')}.")
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
        raise Http404("No such call day.")
    count = selectors.call_day_calls_so_far(call_day=call_day)
    return render(request, "rally/includes/_calls_today.html", {"call_day": call_day, "count": count})


def _invitations_page(request, chapter, *, form=None, result=None, status=HTTPStatus.OK, refusal=None):
    chapter_quota, lead_quota = selectors.invitation_quotas(chapter=chapter, user=request.user)
    context = {
        "chapter": chapter,
        "form": form or InvitationForm(),
        "result": result,
        "refusal": refusal,
        "invitations": selectors.invitation_list(chapter=chapter),
        "counts": selectors.invitation_counts(chapter=chapter),
        "chapter_quota": chapter_quota,
        "lead_quota": lead_quota,
        "can_send": min(chapter_quota.remaining, lead_quota.remaining),
        "next_at": max(filter(None, [chapter_quota.next_at, lead_quota.next_at]), default=None),
    }
    return render(request, "rally/invitations.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, slug):
    chapter = _chapter_for_lead(request, slug)
    if request.method != "POST":
        return _invitations_page(request, chapter)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _invitations_page(request, chapter, form=form, status=HTTPStatus.BAD_REQUEST)
    try:
        result = services.invitations_create(
            chapter=chapter, addresses=form.cleaned_data["addresses"], user=request.user
        )
    except services.InvitationLimitReached as exc:
        form.add_error(None, exc.message)
        return _invitations_page(request, chapter, form=form, status=HTTPStatus.TOO_MANY_REQUESTS, refusal=exc)
    except services.RallyError as exc:
        form.add_error(None, exc.message)
        return _invitations_page(request, chapter, form=form, status=HTTPStatus.BAD_REQUEST)
    return _invitations_page(request, chapter, result=result)


@login_required
@require_POST
def invitation_revoke(request, slug, invitation_id):
    chapter = _chapter_for_lead(request, slug)
    try:
        invitation = services.invitation_revoke(chapter=chapter, invitation_id=invitation_id)
    except Invitation.DoesNotExist as exc:
        raise Http404("No such invitation.") from exc
    except services.RallyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("rally:invitations", slug=chapter.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_check(invitation_id=invitation_token_read(token=token))
    except services.RallyError as exc:
        return render(request, "rally/invitation_invalid.html", {"message": exc.message}, status=HTTPStatus.GONE)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        services.invitation_check_invitee(invitation=invitation, user=request.user)
    except services.InvitationNotForYou as exc:
        context = {"message": exc.message, "chapter": invitation.chapter, "masked_email": exc.masked_email}
        return render(request, "rally/invitation_not_for_you.html", context, status=HTTPStatus.FORBIDDEN)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation_id=invitation.pk, user=request.user)
        except services.InvitationNotForYou as exc:
            context = {"message": exc.message, "chapter": invitation.chapter, "masked_email": exc.masked_email}
            return render(request, "rally/invitation_not_for_you.html", context, status=HTTPStatus.FORBIDDEN)
        except services.RallyError as exc:
            return render(request, "rally/invitation_invalid.html", {"message": exc.message}, status=HTTPStatus.GONE)
        messages.success(request, _("Welcome to %(chapter)s!") % {"chapter": invitation.chapter.name})
        return redirect("chapter_detail", slug=invitation.chapter.slug)
    return render(request, "rally/invitation_accept.html", {"invitation": invitation, "chapter": invitation.chapter})


# No CSRF token: the signed token in the URL is the credential, and mail clients POST here for
# RFC 8058 one-click unsubscribe with no session or form.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def invitation_stop(request, token):
    """ "Never invite me again" from an invitation email: confirm with one button (or one click in the mail client)."""
    email = invitation_stop_token_read(token=token)
    if email is None:
        return render(request, "reminders/unsubscribe_invalid.html", status=HTTPStatus.BAD_REQUEST)
    done = False
    if request.method == "POST":
        services.do_not_invite_add(email=email, reason="unsubscribed")
        done = True
    return render(request, "rally/invitation_stop.html", {"email": email, "done": done})


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
