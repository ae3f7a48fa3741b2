"""Replies under a campaign: callers tell each other what the office said; leads and staff hide one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import ReplyForm
from .models import Reply


@login_required
@require_POST
def reply_create(request, slug):
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_create(campaign=campaign, user=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Thanks: your reply is posted."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("campaigns:detail", args=[campaign.slug]) + "#replies")


@login_required
@require_POST
def reply_hide(request, slug, reply_id):
    campaign = selectors.campaign_get_visible(slug=slug, user=request.user)
    reply = get_object_or_404(Reply.objects.select_related("campaign__chapter"), pk=reply_id, campaign=campaign)
    services.reply_hide(reply=reply, user=request.user)
    messages.success(request, _("The reply is hidden."))
    return redirect(reverse("campaigns:detail", args=[campaign.slug]) + "#replies")
