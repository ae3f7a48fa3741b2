from django import template

from officials import display
from officials.selectors import officials_refresh_warning

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """ "Catherine Hanaway" -> "CH": the photo placeholder's letters."""
    parts = [p for p in (name or "").replace(".", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


@register.simple_tag(name="officials_refresh_warning")
def officials_refresh_warning_tag() -> str:
    """The admin's warning when the officials data has not been refreshed for too long, or ""."""
    return officials_refresh_warning()


@register.filter
def local_title(text: str) -> str:
    return display.office_title(text)


@register.filter
def local_division(text: str) -> str:
    return display.division_name(text)


@register.filter
def local_label(text: str) -> str:
    return display.contact_label(text)


@register.filter
def local_party(text: str) -> str:
    return display.party_name(text)
