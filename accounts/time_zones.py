"""Chapter time zones: the zone a chapter's days are counted in, and the default for each state.

Every zone offered here is a whole number of hours from UTC all year, so the hourly rollup
(tallies.models.HourlyChapterTally) splits any of them into exact local days.
"""

import datetime as dt
from zoneinfo import ZoneInfo

# The zone most of each state's people live in (USPS codes; DC and the territories too).
STATE_TIME_ZONES = {
    "AL": "America/Chicago",
    "AK": "America/Anchorage",
    "AZ": "America/Phoenix",
    "AR": "America/Chicago",
    "CA": "America/Los_Angeles",
    "CO": "America/Denver",
    "CT": "America/New_York",
    "DE": "America/New_York",
    "DC": "America/New_York",
    "FL": "America/New_York",
    "GA": "America/New_York",
    "HI": "Pacific/Honolulu",
    "ID": "America/Boise",
    "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago",
    "KS": "America/Chicago",
    "KY": "America/New_York",
    "LA": "America/Chicago",
    "ME": "America/New_York",
    "MD": "America/New_York",
    "MA": "America/New_York",
    "MI": "America/Detroit",
    "MN": "America/Chicago",
    "MS": "America/Chicago",
    "MO": "America/Chicago",
    "MT": "America/Denver",
    "NE": "America/Chicago",
    "NV": "America/Los_Angeles",
    "NH": "America/New_York",
    "NJ": "America/New_York",
    "NM": "America/Denver",
    "NY": "America/New_York",
    "NC": "America/New_York",
    "ND": "America/Chicago",
    "OH": "America/New_York",
    "OK": "America/Chicago",
    "OR": "America/Los_Angeles",
    "PA": "America/New_York",
    "RI": "America/New_York",
    "SC": "America/New_York",
    "SD": "America/Chicago",
    "TN": "America/Chicago",
    "TX": "America/Chicago",
    "UT": "America/Denver",
    "VT": "America/New_York",
    "VA": "America/New_York",
    "WA": "America/Los_Angeles",
    "WV": "America/New_York",
    "WI": "America/Chicago",
    "WY": "America/Denver",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
}
DEFAULT_TIME_ZONE = "America/New_York"
CHAPTER_TIME_ZONES = sorted({*STATE_TIME_ZONES.values(), "America/Adak", "UTC"})
CHAPTER_TIME_ZONE_CHOICES = [(tz, tz.replace("_", " ")) for tz in CHAPTER_TIME_ZONES]


def time_zone_for_state(state: str) -> str:
    return STATE_TIME_ZONES.get((state or "").upper(), DEFAULT_TIME_ZONE)


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a stored name; an unknown one falls back to UTC rather than failing a page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def week_start(day: dt.date) -> dt.date:
    """The Monday that starts the day's week: weeks start on Monday everywhere on the site."""
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The instant a local day starts, in UTC (DST-aware: a day can last 23 or 25 hours)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)


def local_today(tz: ZoneInfo, now: dt.datetime | None = None) -> dt.date:
    from django.utils import timezone

    return (now or timezone.now()).astimezone(tz).date()
