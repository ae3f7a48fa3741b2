"""A visitor's first look (campaigns.visitor): a ZIP in the session, and the first outcome kept until they sign up."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tallies.models import Outcome

from . import selectors, visitor
from .forms import CallLogForm, LocationForm


@require_POST
def visitor_location(request, slug):
    """Keep the ZIP a visitor entered in their session; a signed-in caller saves it on the profile instead."""
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    url = reverse("campaigns:detail", args=[campaign.slug])
    if request.user.is_authenticated:
        return redirect(url + "#actions")
    form = LocationForm(request.POST)
    if form.is_valid():
        visitor.visitor_location_set(
            request.session, zip_code=form.cleaned_data["zip_code"], district=form.cleaned_data["district"]
        )
    else:
        visitor.visitor_location_set(request.session, zip_code=request.POST.get("zip_code", "")[:10])
    return redirect(url + "#location")


@require_POST
def visitor_outcome(request, slug):
    """A visitor's first outcome tap: kept in the session, then on to signing up; logged once they sign in."""
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    url = reverse("campaigns:detail", args=[campaign.slug])
    if request.user.is_authenticated:
        return redirect(url + "#actions")
    form = CallLogForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That didn't work: reload the page and try again."))
        return redirect(url + "#actions")
    data = form.cleaned_data
    visitor.pending_call_keep(
        request.session,
        campaign=campaign,
        action_id=data["action"],
        office_id=data["office"],
        outcome=data["outcome"],
        note=data["note"],
    )
    messages.info(
        request,
        _(
            "Thank you for calling! Create an account to log it: we keep “%(outcome)s” and log it as soon as "
            "you have confirmed your email and signed in."
        )
        % {"outcome": Outcome(data["outcome"]).label.lower()},
    )
    return redirect(reverse("account_signup") + "?" + urlencode({"next": url + "#actions"}))
