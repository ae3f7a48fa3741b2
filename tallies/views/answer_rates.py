"""An official's page: the office, its numbers, and when each answers (a heat map of the last 90 days)."""

import datetime as dt

from django.http import Http404
from django.shortcuts import render
from django.utils import formats
from django.views.decorators.http import require_GET

from officials.selectors import office_entry

from .. import selectors

HEAT_HOURS = range(7, 21)  # office hours and either side; the API has all 24
WEEKDAYS = range(1, 8)


def heat_rows(rates):
    """Rows (weekday name, [(percent or None, css class)]) for the heat map table."""
    rows = []
    for weekday in WEEKDAYS:
        cells = []
        for hour in HEAT_HOURS:
            rate = rates.rate(weekday, hour)
            level = "heat-none" if rate is None else f"heat-{min(4, int(rate * 5))}"
            cells.append((None if rate is None else round(rate * 100), level))
        # 2024-01-01 was a Monday: its weekday names come from the active language's calendar.
        name = formats.date_format(dt.date(2024, 1, weekday), "l")
        rows.append((name, cells))
    return rows


@require_GET
def office_detail(request, pk):
    entry = office_entry(office_id=pk)
    if entry is None:
        raise Http404("No such office.")
    rates = selectors.tally_answer_rates(offices=[entry.office])[entry.office.pk]
    numbers = [
        {"rates": r, "summary": r.summary(), "heat": heat_rows(r)} for r in rates.numbers if r.contact_point is not None
    ]
    context = {
        "entry": entry,
        "office": entry.office,
        "rates": rates,
        "summary": rates.overall.summary(),
        "heat": heat_rows(rates.overall),
        "hours": [selectors.hour_label(h) for h in HEAT_HOURS],
        "numbers": numbers,
        "window_days": selectors.WINDOW_DAYS,
        "min_sample": selectors.MIN_SAMPLE,
        "zone": rates.zone.key.replace("_", " "),
    }
    return render(request, "tallies/office_detail.html", context)
