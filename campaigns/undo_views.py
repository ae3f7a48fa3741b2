"""Undo on the call page: the card's "Undo" for 10 minutes after a log (tallies.services.call_log_undo)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from advocacy.errors import ApplicationError, NotFound
from tallies.models import CallLog
from tallies.services import call_log_undo

from . import selectors
from .views import CALL_OUTCOMES, CALL_RESULT_SESSION_KEY


@login_required
@require_POST
def call_undo(request, slug, call_id):
    """Take back the caller's own call within 10 minutes: htmx swaps the card's form; without JS, a redirect."""
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    # The caller's own call in this campaign, else 404 before anything is written.
    action_id, office_id = _call_ids(request, campaign, call_id)
    error = ""
    undo = None
    try:
        undo, _created = call_log_undo(user=request.user, call_id=call_id)
    except ApplicationError as exc:  # too late (an unknown call was a 404 above)
        if isinstance(exc, NotFound):
            raise Http404(_("No such call.")) from exc
        error = exc.message
    dom_id = selectors.target_dom_id(action_id=action_id, office_id=office_id)
    text = error or _("Undone: that call no longer counts anywhere.")
    if not request.htmx:
        url = reverse("campaigns:detail", args=[campaign.slug])
        request.session[CALL_RESULT_SESSION_KEY] = {"dom_id": dom_id, "text": text, "is_error": bool(error)}
        return redirect(f"{url}#{dom_id}-status")
    target, action_targets, targets = _card(request, campaign, action_id, office_id)
    if target is None:
        response = render(request, "campaigns/includes/_call_refused.html", {"dom_id": dom_id, "error": text})
        return trigger_client_event(response, "call-logged", {"status": f"{dom_id}-status"}, after="settle")
    response = render(
        request,
        "campaigns/includes/_call_logged.html",
        {
            "campaign": campaign,
            "target": target,
            "action_targets": action_targets,
            "error": error,
            "undone": undo is not None,
            "progress": selectors.campaign_progress(campaign=campaign),
            "call_outcomes": CALL_OUTCOMES,
            "is_active": True,
            "targets": targets,
        },
    )
    return trigger_client_event(response, "call-logged", {"status": f"{dom_id}-status"}, after="settle")


def _call_ids(request, campaign, call_id) -> tuple[int, int]:
    """The action and office of the caller's own call (not an undo row) in this campaign; else 404."""
    call = (
        CallLog.objects.filter(pk=call_id, user=request.user, campaign=campaign, undoes__isnull=True)
        .values_list("action_id", "office_id")
        .first()
    )
    if call is None:
        raise Http404(_("No such call."))
    return call


def _card(request, campaign, action_id: int, office_id: int):
    """The caller's target for this action and office, its action's targets and all (None, None, all if gone)."""
    targets = selectors.campaign_targets(campaign=campaign, user=request.user)
    for action_targets in targets.actions:
        if action_targets.action.pk == action_id:
            for target in action_targets.targets:
                if target.office.pk == office_id:
                    return target, action_targets, targets
    return None, None, targets
