"""Answer rates: how often an office, and each of its numbers, reached a caller in person, by
local weekday and hour, over the last 90 days.

A cell with fewer than MIN_SAMPLE dialled calls shows no rate, and a number with fewer than
MIN_CALLS gives no advice ("not enough calls yet"): a rate from three calls would send
callers to the wrong hour as often as the right one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.time_zones import time_zone_for_state

from ..models import Outcome
from ..sql.office_report import answer_rate_rows

WINDOW_DAYS = 90
MIN_SAMPLE = 5
MIN_CALLS = 20
BUSY_RATE = 0.3  # below this share answered, an hour is "busy"
NEXT_NUMBER_OUTCOMES = frozenset({Outcome.BUSY, Outcome.VOICEMAIL_FULL})


@dataclass
class Rates:
    """Dialled calls and those answered, by (ISO weekday, local hour)."""

    contact_point: object | None = None  # None: the office as a whole, or calls that named no number
    cells: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # (weekday, hour) -> (calls, reached)

    _hours: dict | None = field(default=None, repr=False, compare=False)

    def add(self, weekday: int, hour: int, calls: int, reached: int) -> None:
        calls_before, reached_before = self.cells.get((weekday, hour), (0, 0))
        self.cells[(weekday, hour)] = (calls_before + calls, reached_before + reached)
        self._hours = None

    @property
    def calls(self) -> int:
        return sum(c for c, _r in self.cells.values())

    @property
    def reached(self) -> int:
        return sum(r for _c, r in self.cells.values())

    @property
    def enough(self) -> bool:
        return self.calls >= MIN_CALLS

    def by_hour(self) -> dict[int, tuple[int, int]]:
        if self._hours is None:
            self._hours = self._sum_by_hour()
        return self._hours

    def _sum_by_hour(self) -> dict[int, tuple[int, int]]:
        hours: dict[int, tuple[int, int]] = {}
        for (_weekday, hour), (calls, reached) in self.cells.items():
            calls_before, reached_before = hours.get(hour, (0, 0))
            hours[hour] = (calls_before + calls, reached_before + reached)
        return dict(sorted(hours.items()))

    def rate(self, weekday: int | None, hour: int) -> float | None:
        """The share answered in that cell (any weekday when None), or None below the minimum sample."""
        if weekday is None:
            calls, reached = self.by_hour().get(hour, (0, 0))
        else:
            calls, reached = self.cells.get((weekday, hour), (0, 0))
        return reached / calls if calls >= MIN_SAMPLE else None

    def summary(self) -> str:
        """One line for the call card: "Usually answered 10 a.m.–11 a.m.; busy after 3 p.m."."""
        if not self.enough:
            return _("Not enough calls yet to say when this office answers.")
        hours = {h: (c, r) for h, (c, r) in self.by_hour().items() if c >= MIN_SAMPLE}
        rates = {h: r / c for h, (c, r) in hours.items()}
        if not rates or max(rates.values()) == 0:
            return _("Rarely answered lately: leave a voicemail or try a local office.")
        best = max(rates, key=lambda h: (rates[h], -h))
        text = _("Usually answered %(start)s–%(end)s") % {"start": hour_label(best), "end": hour_label(best + 1)}

        def busy_from(h: int) -> bool:
            # The hour itself and the rest of the day taken together answer little.
            calls, reached = (sum(x) for x in zip(*(hours[k] for k in hours if k >= h), strict=True))
            return rates[h] < BUSY_RATE and reached / calls < BUSY_RATE

        busy = next((h for h in sorted(rates) if h > best and busy_from(h)), None)
        if busy is not None:
            text += _("; busy after %(hour)s") % {"hour": hour_label(busy)}
        return text


class _Scored(NamedTuple):
    rate: float | None  # None: too few calls to tell
    order: int  # the candidates' order breaks ties
    rates: Rates


def hour_label(hour: int) -> str:
    """An hour of the day in the active language's time format (10 a.m., 10:00)."""
    return formats.time_format(dt.time(hour % 24), "TIME_FORMAT")


@dataclass
class OfficeAnswerRates:
    office: object
    zone: ZoneInfo
    since: dt.datetime
    overall: Rates
    numbers: list[Rates]  # each phone of the office, then calls that named no number (if any)

    def for_number(self, contact_point_id: int | None) -> Rates | None:
        for rates in self.numbers:
            if rates.contact_point is not None and rates.contact_point.pk == contact_point_id:
                return rates
        return None


def office_zone(office) -> ZoneInfo:
    """The office's local time: its state's zone (Washington's for national offices)."""
    state = office.state_code
    return ZoneInfo(time_zone_for_state("DC" if state == "US" else state))


def tally_answer_rates(*, offices, now: dt.datetime | None = None, phones=None) -> dict[int, OfficeAnswerRates]:
    """The answer rates of these offices (one statement for all of them, one for their phones).

    phones: the offices' phone contact points when the caller has them loaded already (the call
    page's entries), in the order callers see them; then no query reads them again.
    """
    from officials.models import ContactPoint

    offices = list(offices)
    if not offices:
        return {}
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    zones = {office.pk: office_zone(office) for office in offices}
    rows = answer_rate_rows(office_zones={pk: zone.key for pk, zone in zones.items()}, since=since)
    if phones is None:
        phones = ContactPoint.objects.active().filter(office__in=offices, kind=ContactPoint.Kind.PHONE)
        phones = phones.order_by("-is_capitol", "position", "id")
    phones = {cp.pk: cp for cp in phones}
    result = {
        office.pk: OfficeAnswerRates(
            office=office,
            zone=zones[office.pk],
            since=since,
            overall=Rates(),
            numbers=[Rates(contact_point=cp) for cp in phones.values() if cp.office_id == office.pk],
        )
        for office in offices
    }
    unnamed: dict[int, Rates] = {}
    for office_id, contact_point_id, weekday, hour, calls, reached in rows:
        entry = result[office_id]
        entry.overall.add(int(weekday), int(hour), int(calls), int(reached))
        rates = entry.for_number(contact_point_id) if contact_point_id else None
        if rates is None:
            rates = unnamed.setdefault(office_id, Rates())
        rates.add(int(weekday), int(hour), int(calls), int(reached))
    for office_id, rates in unnamed.items():
        result[office_id].numbers.append(rates)
    return result


@dataclass(frozen=True)
class NextNumber:
    contact_point: object
    reason: str
    rate: float | None  # share answered at this local hour lately, when known


def next_number_advice(
    *, rates: OfficeAnswerRates, outcome: str, dialled_id: int | None, now=None
) -> NextNumber | None:
    """After a busy line or a full mailbox, the office's next number worth trying, and why.

    The candidates are the office's other phones (its district offices); the one that answered
    most at this local hour comes first when the sample says so, else the next in the list.
    """
    if outcome not in NEXT_NUMBER_OUTCOMES:
        return None
    candidates = [r for r in rates.numbers if r.contact_point is not None and r.contact_point.pk != dialled_id]
    if dialled_id is None:
        # No number said: the caller dialled the main line, so offer the others.
        candidates = [r for r in candidates if not r.contact_point.is_capitol] or candidates[1:]
    if not candidates:
        return None
    local = (now or timezone.now()).astimezone(rates.zone)
    weekday, hour = local.isoweekday(), local.hour

    def score(r: Rates):
        rate = r.rate(weekday, hour)
        if rate is None:
            rate = r.rate(None, hour)
        return rate

    scored = [_Scored(score(r), i, r) for i, r in enumerate(candidates)]
    known = [s for s in scored if s.rate is not None]
    rate, _i, best = max(known, key=lambda s: (s.rate, -s.order)) if known else scored[0]
    cp = best.contact_point
    place = cp.label or _("a local office")
    if outcome == Outcome.BUSY:
        reason = _("The line was busy: try %(place)s instead.") % {"place": place}
    else:
        reason = _("The mailbox was full: %(place)s may take your message.") % {"place": place}
    if rate is not None:
        reason += " " + _("It answered %(percent)s%% of calls at this hour lately.") % {"percent": round(rate * 100)}
    return NextNumber(contact_point=cp, reason=reason, rate=rate)
