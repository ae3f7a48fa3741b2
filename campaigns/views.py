from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from accounts.selectors import chapter_list_led_by
from accounts.services import user_location_set
from advocacy.errors import ApplicationError
from advocacy.offline import offline_cacheable
from officials.models import Office
from tallies.models import Outcome, Source
from tallies.rate_limits import calls_rate_allows_user
from tallies.selectors import next_number_advice, tally_answer_rates
from tallies.services import IdempotencyKeyReused, call_log_create

from . import authoring, selectors, services, visitor
from .forms import ActionForm, CallLogForm, CampaignCreateForm, CampaignForm, LocationForm, ReplyForm
from .models import Action, Campaign

CALL_OUTCOMES = [Outcome.REACHED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.VOICEMAIL_FULL, Outcome.SKIPPED]
# Without JavaScript, a logged call redirects back to the page; the result waits here for the card's
# live region, where the redirect's anchor lands (not in the messages at the top of the page).
CALL_RESULT_SESSION_KEY = "campaigns.call_result"


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@offline_cacheable
def campaign_list(request):
    campaigns = selectors.campaign_list_visible(user=request.user)
    leads = request.user.is_authenticated and chapter_list_led_by(user=request.user).exists()
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns, "is_lead": leads})


def _detail_context(request, campaign: Campaign) -> dict:
    user = request.user
    if user.is_authenticated:
        targets = selectors.campaign_targets(campaign=campaign, user=user)
    else:
        # A visitor's first look: their officials from the ZIP in their session (campaigns.visitor).
        zip_code, district = visitor.visitor_location(request.session)
        targets = selectors.campaign_targets(campaign=campaign, user=user, zip_code=zip_code, district_ocd_id=district)
    replies = campaign.replies.select_related("author")
    can_moderate = user.is_authenticated and (
        user.is_staff or selectors.campaign_can_manage(campaign=campaign, user=user)
    )
    if not can_moderate:
        replies = replies.filter(is_hidden=False)
    _add_answer_rates(targets)
    return {
        "campaign": campaign,
        "targets": targets,
        "progress": selectors.campaign_progress(campaign=campaign),
        "is_active": campaign.accepts_calls(),
        "can_manage": user.is_authenticated and selectors.campaign_can_manage(campaign=campaign, user=user),
        "can_moderate": can_moderate,
        "replies": list(replies[:50]),
        "reply_form": ReplyForm(),
        "location_form": LocationForm(initial={"zip_code": getattr(user, "zip_code", "")}),
        "call_outcomes": CALL_OUTCOMES,
        "flash": _call_result(request, targets),
        "pending_call": None if user.is_authenticated else visitor.pending_call(request.session),
    }


def _add_answer_rates(targets) -> dict:
    """Each call card's one line on when its office answers (one query for the page's offices)."""
    if targets is None:
        return {}
    cards = [t for a in targets.actions if a.action.kind == "call" for t in a.targets]
    entries = {t.office.pk: t.entry for t in cards}
    rates = tally_answer_rates(
        offices=[e.office for e in entries.values()], phones=[cp for e in entries.values() for cp in e.phones]
    )
    for target in cards:
        target.answer_summary = rates[target.office.pk].overall.summary()
    return rates


def _call_result(request, targets) -> dict | None:
    """The no-JS result of the last logged call, for its card; at the top of the page if the card is gone."""
    result = request.session.pop(CALL_RESULT_SESSION_KEY, None) if request.user.is_authenticated else None
    if result is None:
        return None
    on_page = targets is not None and any(
        target.dom_id == result["dom_id"] for action_targets in targets.actions for target in action_targets.targets
    )
    if not on_page:
        messages.add_message(request, messages.ERROR if result["is_error"] else messages.SUCCESS, result["text"])
        return None
    return result


@offline_cacheable
def campaign_detail(request, slug):
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


@login_required
@require_POST
def location_set(request, slug):
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    form = LocationForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            user_location_set(
                user=request.user, zip_code=form.cleaned_data["zip_code"], district_ocd_id=form.cleaned_data["district"]
            )
        except ValidationError as exc:
            error = _error_text(exc)
    else:
        error = _("Enter a 5-digit ZIP code, for example 65101.")
    if error:
        # The page again, with the error at the field and what was typed in it; the saved ZIP is untouched.
        context = _detail_context(request, campaign)
        context.update(location_error=error, location_entered=request.POST.get("zip_code", "")[:10])
        return render(request, "campaigns/campaign_detail.html", context, status=400)
    return redirect(reverse("campaigns:detail", args=[campaign.slug]) + "#actions")


def _target_for(request, campaign, action_id, office_id):
    """(the target, its action's targets, all the caller's targets), or (None, None, targets)."""
    targets = selectors.campaign_targets(campaign=campaign, user=request.user)
    for action_targets in targets.actions:
        if action_targets.action.pk != action_id:
            continue
        for target in action_targets.targets:
            if target.office.pk == office_id:
                return target, action_targets, targets
    return None, None, targets


@login_required
@require_POST
def call_log(request, slug):
    """Log one outcome from an official's card. htmx swaps the card's form; without JS, a redirect."""
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    form = CallLogForm(request.POST)
    error = ""
    call = None
    if not form.is_valid():
        error = _("That didn't work: reload the page and try again.")
    else:
        data = form.cleaned_data
        action = Action.objects.filter(pk=data["action"], campaign=campaign).first()
        office = Office.objects.filter(pk=data["office"]).first()
        allowed, wait = (False, 0) if action is None or office is None else calls_rate_allows_user(user=request.user)
        if action is None or office is None:
            error = _("That official is not part of this campaign any more. Reload the page.")
        elif not allowed:
            error = _(
                "You are logging calls faster than anyone can dial. Not logged: try again in %(wait)s seconds."
            ) % {"wait": wait}
        else:
            try:
                call, _created = call_log_create(
                    user=request.user,
                    campaign=campaign,
                    action=action,
                    office=office,
                    outcome=data["outcome"],
                    note=data["note"],
                    source=Source.WEB,
                    idempotency_key=data["idempotency_key"] or None,
                    contact_point_id=data["contact_point"],
                    share_note=data["share_note"],
                    sign_note=data["sign_note"],
                )
            except IdempotencyKeyReused:
                error = _("This button was already used for another call. Reload the page to log a new one.")
            except ApplicationError as exc:  # the same refusals, and words, as the API's
                error = exc.message
            except (ValidationError, PermissionDenied) as exc:
                error = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)

    if not request.htmx:
        return _call_log_redirect(request, campaign, form, call, error)

    if call is None and not form.is_valid():
        return HttpResponse(error, status=400)
    target, action_targets, targets = _target_for(
        request, campaign, form.cleaned_data["action"], form.cleaned_data["office"]
    )
    if target is None:
        # Not one of the caller's targets (so refused above): the reason goes in the card's live region.
        dom_id = selectors.target_dom_id(action_id=form.cleaned_data["action"], office_id=form.cleaned_data["office"])
        response = render(request, "campaigns/includes/_call_refused.html", {"dom_id": dom_id, "error": error})
        return trigger_client_event(response, "call-logged", {"status": f"{dom_id}-status"}, after="settle")
    rates = tally_answer_rates(offices=[target.office], phones=target.entry.phones)[target.office.pk]
    target.answer_summary = rates.overall.summary()
    advice = None
    if call is not None:
        advice = next_number_advice(rates=rates, outcome=call.outcome, dialled_id=call.contact_point_id)
    response = render(
        request,
        "campaigns/includes/_call_logged.html",
        {
            "next_number": advice,
            "campaign": campaign,
            "target": target,
            "action_targets": action_targets,
            "call": call,
            "error": error,
            # A refused call keeps the caller's note in the field, to send with the next try.
            "note": form.cleaned_data["note"] if error else "",
            "progress": selectors.campaign_progress(campaign=campaign),
            "call_outcomes": CALL_OUTCOMES,
            "is_active": True,
            "targets": targets,
        },
    )
    # campaigns.js moves focus to the card's live region once htmx has settled the new content, or
    # to the "done" screen after the last target.
    event = {"status": f"{target.dom_id}-status"}
    if call is not None and targets.all_done:
        event["done"] = "campaign-done"
    return trigger_client_event(response, "call-logged", event, after="settle")


def _call_log_redirect(request, campaign, form, call, error):
    """No JavaScript: back to the page, landing on the card's live region with the result in it."""
    url = reverse("campaigns:detail", args=[campaign.slug])
    if not form.is_valid():
        messages.error(request, error)
        return redirect(url + "#actions")
    dom_id = selectors.target_dom_id(action_id=form.cleaned_data["action"], office_id=form.cleaned_data["office"])
    text = error or _("Thank you! Logged: %(outcome)s.") % {"outcome": call.get_outcome_display().lower()}
    if not error:
        # Without JavaScript the next number comes as words: its tel: link is on the card already.
        rates = tally_answer_rates(offices=[call.office])[call.office_id]
        advice = next_number_advice(rates=rates, outcome=call.outcome, dialled_id=call.contact_point_id)
        if advice is not None:
            text += f" {advice.reason} ({advice.contact_point.display_value})"
    request.session[CALL_RESULT_SESSION_KEY] = {"dom_id": dom_id, "text": text, "is_error": bool(error)}
    if call is not None and selectors.campaign_targets(campaign=campaign, user=request.user).all_done:
        return redirect(f"{url}#campaign-done")  # the last target: the "done" screen
    return redirect(f"{url}#{dom_id}-status")


# ------------------------------------------------------------------------------
# Authoring, for chapter leads (staff use the admin)
# ------------------------------------------------------------------------------
def _managed_campaign(request, slug) -> Campaign:
    """The campaign if the user leads its chapter; else 404 whether or not it exists (slugs cannot be probed)."""
    campaign = get_object_or_404(Campaign.objects.select_related("chapter"), slug=slug)
    if not selectors.campaign_can_manage(campaign=campaign, user=request.user):
        raise Http404(_("No such campaign."))
    return campaign


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def campaign_manage(request):
    chapters = chapter_list_led_by(user=request.user)
    if not chapters.exists():
        raise PermissionDenied(_("Only chapter leads author campaigns here."))
    return render(
        request,
        "campaigns/campaign_manage.html",
        {"campaigns": authoring.campaign_list_managed(user=request.user), "chapters": chapters},
    )


@login_required
def campaign_create(request):
    chapters = chapter_list_led_by(user=request.user)
    if not chapters.exists():
        raise PermissionDenied(_("Only chapter leads author campaigns here."))
    form = CampaignCreateForm(request.POST or None, chapters=chapters, initial={"chapter": chapters.first()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            campaign = services.campaign_create(
                user=request.user, chapter=data.pop("chapter"), categories=data.pop("categories"), **data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Now add the actions: what callers do."))
            return redirect("campaigns:action_create", slug=campaign.slug)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request, slug):
    campaign = _managed_campaign(request, slug)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        campaign.refresh_from_db()  # the ModelForm wrote into the instance while validating
        try:
            campaign = services.campaign_update(
                campaign=campaign, user=request.user, categories=data.pop("categories"), **data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:preview", slug=campaign.slug)
    actions = campaign.actions.order_by("position", "id")
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign, "actions": actions})


@login_required
def action_create(request, slug):
    campaign = _managed_campaign(request, slug)
    return _action_form(request, campaign, None)


@login_required
def action_edit(request, slug, action_id):
    campaign = _managed_campaign(request, slug)
    action = get_object_or_404(Action, pk=action_id, campaign=campaign)
    return _action_form(request, campaign, action)


def _action_form(request, campaign, action):
    next_position = (campaign.actions.count() or 0) + 1
    form = ActionForm(
        request.POST or None,
        instance=action,
        initial=None if action else {"position": next_position},
        chapter=campaign.chapter,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offices = data.pop("target_offices")
        try:
            if action is None:
                services.action_create(campaign=campaign, user=request.user, target_offices=offices, **data)
            else:
                action.refresh_from_db()
                services.action_update(action=action, user=request.user, target_offices=offices, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Action saved. Check how the script reads in the preview."))
            return redirect("campaigns:preview", slug=campaign.slug)
    return render(request, "campaigns/action_form.html", {"form": form, "campaign": campaign, "action": action})


@login_required
@require_POST
def action_delete(request, slug, action_id):
    campaign = _managed_campaign(request, slug)
    action = get_object_or_404(Action, pk=action_id, campaign=campaign)
    try:
        services.action_delete(action=action, user=request.user)
        messages.success(request, _("Action deleted."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("campaigns:preview", slug=campaign.slug)


@login_required
def campaign_preview(request, slug):
    campaign = _managed_campaign(request, slug)
    return render(
        request,
        "campaigns/campaign_preview.html",
        {
            "campaign": campaign,
            "previews": authoring.campaign_preview(campaign=campaign, user=request.user),
            "unknown_placeholders": services.action_unknown_placeholders(actions=campaign.actions.all()),
        },
    )


@login_required
@require_POST
def campaign_publish(request, slug):
    campaign = _managed_campaign(request, slug)
    try:
        services.campaign_publish(campaign=campaign, user=request.user)
        messages.success(request, _("Published: your chapter's members can call now."))
        return redirect("campaigns:detail", slug=campaign.slug)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("campaigns:preview", slug=campaign.slug)


@login_required
@require_POST
def campaign_archive(request, slug):
    campaign = _managed_campaign(request, slug)
    services.campaign_archive(campaign=campaign, user=request.user)
    messages.success(request, _("Archived: the campaign no longer takes calls."))
    return redirect("campaigns:manage")
