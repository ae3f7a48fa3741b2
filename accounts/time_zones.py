"""Chapter time zones: the zone a chapter's days are counted in, and the default for each state.

Every zone offered here is a whole number of hours from UTC all year, so the hourly rollup
(tallies.models.HourlyChapterTally) splits any of them into exact local days.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location, get_timezone_name
from django.utils.translation import get_language

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


@lru_cache(maxsize=4096)
def _zone_display_name(name: str, language: str) -> str:
    if name == "UTC":
        return "UTC"
    try:
        city = get_timezone_location(name, locale=language, return_city=True)
        generic = get_timezone_name(name, locale=language)
    except (LookupError, ValueError):
        return name.replace("_", " ")
    # "Chicago · hora central": the city tells zones with one generic name apart (Denver and Phoenix).
    return f"{city} · {generic}" if generic and city not in generic else generic or city


def zone_display_name(name: str, language: str | None = None) -> str:
    """A time zone as people call it, in the page's language (Babel's CLDR names), never its raw id."""
    language = (language or get_language() or "en").split("-")[0]
    return _zone_display_name(name, language)


@lru_cache(maxsize=1024)
def is_canonical(name: str) -> bool:
    """False for an alias such as US/Central or America/Atka, whose city is another zone's."""
    if name == "UTC":
        return True
    try:
        city = get_timezone_location(name, locale="en", return_city=True)
    except (LookupError, ValueError):
        return False
    return city.casefold() == name.rsplit("/", 1)[-1].replace("_", " ").casefold()
