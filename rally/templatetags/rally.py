"""The rally blocks of the campaign page, so the campaign view needs no change to show them."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("rally/includes/_campaign_rally.html", takes_context=True)
def campaign_rally(context, campaign):
    today, leads = selectors.campaign_rally_blocks(campaign=campaign, user=context["request"].user)
    return {"campaign": campaign, "call_days_today": today, "lead_chapters": leads}
