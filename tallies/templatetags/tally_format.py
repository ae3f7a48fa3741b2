from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def thousands(value):
    """1234567 -> "1,234,567". A plain format: humanize's intcomma goes through localisation and
    costs a dashboard with hundreds of figures several milliseconds."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


def _cell(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return conditional_escape(value)


@register.simple_tag
def tally_rows(rows):
    """Table rows (<tr><td>...) for a figures table: text escaped, safe strings kept, integers with
    thousands separators.

    One tag instead of a {% for %} with a variable and a filter per cell: the member and day
    tables have a hundred rows, and the template engine's per-node cost was most of the page's
    render time.
    """
    return mark_safe(  # noqa: S308 - every cell went through conditional_escape
        "".join("<tr>" + "".join(f"<td>{_cell(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    )
