from django import template
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


def _grouped(value: int, separator: str) -> str:
    text = f"{value:,}"
    return text if separator == "," else text.replace(",", separator)


@register.filter
def thousands(value):
    """1234567 -> "1,234,567" ("1.234.567" in Spanish). A plain format: humanize's intcomma goes
    through all of localisation and costs a dashboard with hundreds of figures several milliseconds."""
    try:
        return _grouped(int(value), get_format("THOUSAND_SEPARATOR"))
    except (TypeError, ValueError):
        return value


def _cell(value, separator: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return _grouped(value, separator)
    return conditional_escape(value)


@register.simple_tag
def tally_rows(rows):
    """Table rows (<tr><td>...) for a figures table: text escaped, safe strings kept, integers with
    thousands separators.

    One tag instead of a {% for %} with a variable and a filter per cell: the member and day
    tables have a hundred rows, and the template engine's per-node cost was most of the page's
    render time.
    """
    separator = get_format("THOUSAND_SEPARATOR")
    return mark_safe(  # noqa: S308 - every cell went through conditional_escape
        "".join("<tr>" + "".join(f"<td>{_cell(cell, separator)}</td>" for cell in row) + "</tr>" for row in rows)
    )
