from django import template

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
