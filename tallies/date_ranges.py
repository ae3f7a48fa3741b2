"""Date ranges of the dashboards and exports: inclusive local days, read as UTC instants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from accounts.time_zones import local_midnight
from advocacy.dates import EARLIEST_DATE, LATEST_DATE


class DateOutOfRange(ValueError):
    """A date outside the platform's range (advocacy.dates): a 400 (a far date would overflow `end + 1 day`)."""


@dataclass(frozen=True)
class DateRange:
    """Inclusive dates in the platform's range, advocacy.dates (in the dashboard's zone: the chapter's, or UTC for staff);
    either end may be open."""

    start: dt.date | None = None
    end: dt.date | None = None

    EARLIEST: ClassVar[dt.date] = EARLIEST_DATE
    LATEST: ClassVar[dt.date] = LATEST_DATE

    def __post_init__(self):
        for day in (self.start, self.end):
            if day is not None and not self.EARLIEST <= day <= self.LATEST:
                raise DateOutOfRange(f"Use dates between {self.EARLIEST} and {self.LATEST}; {day} is outside.")

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The range as UTC instants [lo, hi): from the first day's local midnight in tz to the one
        after the last day; None for an open end. The one reading of a date range: the ORM filter
        (CallLogQuerySet.created_in) and the dashboard's SQL both use it."""
        return _midnight_or_open(self.start, tz), _midnight_or_open(self.end, tz, next_day=True)

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> tuple[DateRange, list[str]]:
        """Parse query parameters: a malformed value is ignored with a message; a date outside
        the platform's range raises DateOutOfRange."""
        errors = []
        parsed = []
        for name, raw in (("start", start), ("end", end)):
            value = None
            if raw:
                try:
                    value = dt.date.fromisoformat(raw.strip()[:10])
                except ValueError:
                    errors.append(f"Ignored the {name} date {raw[:20]!r}: use YYYY-MM-DD.")
            parsed.append(value)
        first, last = parsed
        if first and last and first > last:
            errors.append("The start date was after the end date, so they were swapped.")
            first, last = last, first
        return cls(first, last), errors


def _midnight_or_open(day: dt.date | None, tz: ZoneInfo, *, next_day: bool = False) -> dt.datetime | None:
    """A local midnight in UTC; None (an open end) for a day at the edge of the calendar, as 9999-12-31."""
    if day is None:
        return None
    try:
        return local_midnight(day + dt.timedelta(days=1) if next_day else day, tz)
    except OverflowError:
        return None


def utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def ceil_day(moment: dt.datetime) -> dt.date:
    """The first UTC day that starts at or after the moment."""
    day = moment.date()
    return day if moment == utc_midnight(day) else day + dt.timedelta(days=1)
