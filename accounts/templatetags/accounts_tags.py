from django import template

from accounts.time_zones import zone_display_name

register = template.Library()


@register.filter
def zone_name(name: str) -> str:
    """ "America/Chicago" -> "Chicago · Central Time" / "Chicago · hora central"."""
    return zone_display_name(str(name)) if name else ""
