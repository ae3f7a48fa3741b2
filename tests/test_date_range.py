"""One platform date range (advocacy.dates): the API's date pattern and the dashboards' DateRange both follow it."""

import datetime as dt
import re

import pytest

from advocacy.api.fields import DATE_PATTERN
from advocacy.dates import EARLIEST_DATE, LATEST_DATE
from tallies.date_ranges import DateOutOfRange, DateRange

ONE_DAY = dt.timedelta(days=1)


def test_the_api_pattern_accepts_exactly_the_platform_range():
    assert re.fullmatch(DATE_PATTERN[1:-1], EARLIEST_DATE.isoformat())
    assert re.fullmatch(DATE_PATTERN[1:-1], LATEST_DATE.isoformat())
    assert not re.fullmatch(DATE_PATTERN[1:-1], (EARLIEST_DATE - ONE_DAY).isoformat())
    assert not re.fullmatch(DATE_PATTERN[1:-1], (LATEST_DATE + ONE_DAY).isoformat())


def test_the_dashboards_range_is_the_platform_range():
    assert (DateRange.EARLIEST, DateRange.LATEST) == (EARLIEST_DATE, LATEST_DATE)
    DateRange(start=EARLIEST_DATE, end=LATEST_DATE)
    with pytest.raises(DateOutOfRange):
        DateRange(start=EARLIEST_DATE - ONE_DAY)
    with pytest.raises(DateOutOfRange):
        DateRange(end=LATEST_DATE + ONE_DAY)


def test_the_help_texts_and_the_message_name_the_platform_range():
    from tallies.api.serializers import DateRangeInputSerializer

    fields = DateRangeInputSerializer().fields
    for name in ("start", "end"):
        assert f"{EARLIEST_DATE.year}..{LATEST_DATE.year}" in str(fields[name].help_text)
    message = str(fields["start"].error_messages["invalid"])
    assert EARLIEST_DATE.isoformat() in message
    assert LATEST_DATE.isoformat() in message
