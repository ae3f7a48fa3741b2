"""The rally blocks of the campaign page, so the campaign view needs no change to show them."""

import datetime as dt

from django import template
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Membership
from accounts.time_zones import local_today

from .. import selectors
from ..models import CallDay

register = template.Library()


@register.inclusion_tag("rally/includes/_campaign_rally.html", takes_context=True)
def campaign_rally(context, campaign):
    """One query for a volunteer on an ordinary day: their memberships, each flagged if a call day is near."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"campaign": campaign, "call_days_today": [], "lead_chapters": []}
    now = timezone.now()
    utc_today = now.astimezone(dt.UTC).date()
    near = CallDay.objects.filter(
        chapter_id=OuterRef("chapter_id"),
        campaign_id=campaign.pk,
        day__range=(utc_today - dt.timedelta(days=1), utc_today + dt.timedelta(days=1)),
    )
    memberships = Membership.objects.filter(user=user).select_related("chapter").annotate(call_day_near=Exists(near))
    if campaign.chapter_id is not None:
        memberships = memberships.filter(chapter_id=campaign.chapter_id)
    today, leads = [], []
    for membership in memberships:
        chapter = membership.chapter
        if membership.call_day_near:
            call_day = CallDay.objects.filter(
                chapter=chapter, campaign=campaign, day=local_today(chapter.zone, now)
            ).first()
            if call_day is not None:
                call_day.chapter = chapter
                today.append((call_day, selectors.call_day_calls_so_far(call_day=call_day)))
        if membership.role == Membership.Role.LEAD:
            leads.append((chapter, selectors.call_now_list(chapter=chapter, campaign=campaign)))
    return {"campaign": campaign, "call_days_today": today, "lead_chapters": leads}
