"""Reads of the tallies: rollup rows plus the live tail of calls above the high-water mark.

Every figure is read by ONE SQL statement that takes the mark, the rollup rows up to it and
the calls above it from the same snapshot, so it is exact at that instant, however far
behind the rollup job is: a call committed a moment ago is in the next read, and no call is
counted twice while a rollup commits between two reads. A dashboard asks for all its
figures in one such statement.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from accounts.time_zones import CHAPTER_TIME_ZONES, local_midnight

from .models import (
    CallLog,
    CampaignTally,
    ChapterMemberTally,
    ChapterOfficeTally,
    ChapterTally,
    DailyChapterTally,
    DailyTally,
    HourlyChapterTally,
    Outcome,
    RollupState,
)
from .rollups import STATE_NAME, day_sql, mark_floor

logger = logging.getLogger(__name__)

OUTCOME_LABELS = dict(Outcome.choices)
NOTES_PAGE_SIZE = 20
TOP_MEMBERS = 100


def _t(model) -> str:
    return model._meta.db_table


def _mark_sql() -> str:
    return f"(SELECT COALESCE(MAX(last_id), 0) FROM {_t(RollupState)} WHERE name = '{STATE_NAME}')"  # noqa: S608


def _tail_sql(floor: int) -> str:
    """The live tail: calls above the mark read in the same statement.

    The planner cannot see the mark's value inside the statement and would guess a third of
    the table, so `id > floor` (a literal no larger than the mark, see mark_floor) lets it
    plan an index range scan of the few newest rows.
    """
    return f"id > {int(floor)} AND id > {_mark_sql()}"


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    """An `IN` filter, or no filter at all when ids is None (every chapter, for staff)."""
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _calls_in(chapter_ids: list[int] | None) -> tuple[str, list]:
    """CallLog rows of these chapters (0: calls without one).

    Real chapters are matched on the bare column, so the planner can use the
    (chapter_id, created_at) index for a date range instead of scanning every call.
    """
    if chapter_ids is not None and 0 not in chapter_ids:
        return _in("chapter_id", chapter_ids)
    return _in("COALESCE(chapter_id, 0)", chapter_ids)


def _combined(rolled: str, rolled_params: list, tail: str, tail_params: list, keys: str) -> tuple[str, list]:
    """SUM over the rollup rows and the live tail rows, grouped by the same keys."""
    sql = f"SELECT {keys}, CAST(SUM(n) AS BIGINT) AS n FROM ({rolled} UNION ALL {tail}) AS x GROUP BY {keys}"  # noqa: S608
    return sql, rolled_params + tail_params


def tally_campaign_totals(*, campaign_ids) -> dict[int, int]:
    """Exact total calls per campaign id (campaigns without calls are absent)."""
    ids = [int(i) for i in campaign_ids]
    if not ids:
        return {}
    where, params = _in("campaign_id", ids)
    sql, params = _combined(
        f"SELECT campaign_id, n FROM {_t(CampaignTally)} WHERE {where}",  # noqa: S608
        params,
        f"SELECT campaign_id, 1 AS n FROM {_t(CallLog)} WHERE {_tail_sql(mark_floor())} AND {where}",  # noqa: S608
        params,
        "campaign_id",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: int(row[1]) for row in cursor.fetchall() if row[1]}


@dataclass
class CampaignTallyFigures:
    total: int
    by_outcome: list[tuple[str, str, int]]  # (outcome, label, n) in the order of Outcome


def tally_for_campaign(*, campaign_id: int) -> CampaignTallyFigures:
    sql, params = _combined(
        f"SELECT outcome, n FROM {_t(CampaignTally)} WHERE campaign_id = %s",  # noqa: S608
        [campaign_id],
        f"SELECT outcome, 1 AS n FROM {_t(CallLog)} WHERE {_tail_sql(mark_floor())} AND campaign_id = %s",  # noqa: S608
        [campaign_id],
        "outcome",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {row[0]: int(row[1]) for row in cursor.fetchall()}
    return CampaignTallyFigures(
        total=sum(counts.values()),
        by_outcome=[(value, label, counts.get(value, 0)) for value, label in Outcome.choices],
    )


# ------------------------------------------------------------------------------
# Dashboards
# ------------------------------------------------------------------------------
class DateOutOfRange(ValueError):
    """A date outside 1900..2100: a 400 (a far date would overflow `end + 1 day`)."""


@dataclass(frozen=True)
class DateRange:
    """Inclusive dates between 1900 and 2100 (in the dashboard's zone: the chapter's, or UTC for staff);
    either end may be open."""

    start: dt.date | None = None
    end: dt.date | None = None

    EARLIEST: ClassVar[dt.date] = dt.date(1900, 1, 1)
    LATEST: ClassVar[dt.date] = dt.date(2100, 12, 31)

    def __post_init__(self):
        for day in (self.start, self.end):
            if day is not None and not self.EARLIEST <= day <= self.LATEST:
                raise DateOutOfRange(f"Use dates between {self.EARLIEST} and {self.LATEST}; {day} is outside.")

    @property
    def is_all_time(self) -> bool:
        return self.start is None and self.end is None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> tuple[DateRange, list[str]]:
        """Parse query parameters: a malformed value is ignored with a message; a date outside
        1900..2100 raises DateOutOfRange."""
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


@dataclass
class Dashboard:
    total: int = 0
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_campaign: list[dict] = field(default_factory=list)  # campaign, n, by outcome, national total, goal
    by_office: list[tuple[object, int]] = field(default_factory=list)
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    by_member: list[tuple[object, int]] = field(default_factory=list)
    members_total: int = 0  # distinct callers, when by_member is cut to the top ones
    by_chapter: list[tuple[object, int]] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    date_range: DateRange = field(default_factory=DateRange)


# The rollup-side half of the dashboard figures is cached per view (chapters and date range) and
# used only while the rollup state is exactly as it was when it was read (keyed to what changes
# it). Every read still takes the live tail from CallLog, so figures stay exact.
DASHBOARD_CACHE_VERSION = 1
DASHBOARD_CACHE_SECONDS = 3600  # entries for an old state are never read again; this only frees them


def _bounds(date_range: DateRange, tz: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The range as UTC instants [lo, hi): from the first day's local midnight to the one after the last day."""
    return _midnight_or_open(date_range.start, tz), _midnight_or_open(date_range.end, tz, next_day=True)


def _midnight_or_open(day: dt.date | None, tz: ZoneInfo, *, next_day: bool = False) -> dt.datetime | None:
    """A local midnight in UTC; None (an open end) for a day at the edge of the calendar, as 9999-12-31."""
    if day is None:
        return None
    try:
        return local_midnight(day + dt.timedelta(days=1) if next_day else day, tz)
    except OverflowError:
        return None


def _ceil_day(moment: dt.datetime) -> dt.date:
    day = moment.date()
    return day if moment == _utc_midnight(day) else day + dt.timedelta(days=1)


def _detail_source(*, chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo) -> tuple[str, list]:
    """Rolled-up calls by (chapter, campaign, office, outcome) in a date range of local days.

    DailyTally holds UTC days. The UTC days wholly inside the range come from it; the hours at
    either edge (a local day starts at 05:00 or 06:00 UTC in St. Louis) are counted from
    CallLog up to the mark through its (chapter_id, created_at) index: at most two partial
    days, so the cost does not grow with the range.
    """
    ops = connection.ops
    lo, hi = _bounds(date_range, tz)
    first_full = _ceil_day(lo) if lo else None
    last_full_excl = hi.date() if hi else None
    chapter_where, chapter_params = _in("chapter_id", chapter_ids)
    call_chapter_where, call_chapter_params = _calls_in(chapter_ids)
    daily_where, daily_params = chapter_where, list(chapter_params)
    edges: list[tuple[dt.datetime | None, dt.datetime | None]] = []
    if first_full and last_full_excl and first_full >= last_full_excl:
        daily_where += " AND 1 = 0"
        edges.append((lo, hi))
    else:
        if first_full:
            daily_where += " AND day >= %s"
            daily_params.append(ops.adapt_datefield_value(first_full))
            if lo < _utc_midnight(first_full):
                edges.append((lo, _utc_midnight(first_full)))
        if last_full_excl:
            daily_where += " AND day < %s"
            daily_params.append(ops.adapt_datefield_value(last_full_excl))
            if _utc_midnight(last_full_excl) < hi:
                edges.append((_utc_midnight(last_full_excl), hi))
    parts = [
        (
            f"SELECT chapter_id, campaign_id, office_id, outcome, n FROM {_t(DailyTally)} WHERE {daily_where}",  # noqa: S608
            daily_params,
        )
    ]
    for start, end in edges:
        parts.append(
            (
                f"SELECT COALESCE(chapter_id, 0) AS chapter_id, campaign_id, office_id, outcome, 1 AS n "  # noqa: S608
                f"FROM {_t(CallLog)} WHERE {call_chapter_where} AND created_at >= %s AND created_at < %s "
                f"AND id <= {_mark_sql()}",
                [*call_chapter_params, ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)],
            )
        )
    sql = " UNION ALL ".join(f"SELECT * FROM ({p}) AS e{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    return f"({sql})", [x for _, ps in parts for x in ps]


def _local_date_sql(expr: str, tz: ZoneInfo) -> str:
    """The date of a UTC timestamp in the zone (a name from accounts.time_zones, checked there)."""
    name = str(tz.key)
    if name not in CHAPTER_TIME_ZONES:
        raise ValueError(f"{name!r} is not a chapter time zone")
    if connection.vendor == "postgresql":
        return f"CAST(({expr} AT TIME ZONE '{name}') AS DATE)"
    return f"django_datetime_cast_date({expr}, '{name}', 'UTC')"


def _dashboard_sql(
    *,
    chapter_ids: list[int] | None,
    date_range: DateRange,
    with_chapters: bool,
    generation: tuple | None,
    tz: ZoneInfo | None = None,
) -> tuple[str, list]:
    """One statement returning rows (dim, src, k1, k2, n) for every figure of the dashboard.

    src is 'r' for rollup rows and 't' for the live tail above the mark, both from one snapshot;
    a 'state' row carries that snapshot's rollup state (mark, updated_at). Given the state a
    cached rollup half was read at (generation), the rollup rows are skipped while the state is
    unchanged (a one-time filter: those tables are not even read), so a warm read costs the tail
    alone. The tail is read once (the `tail` CTE) and every figure groups it.

    With tz (a chapter's zone) days are local days: the range is cut at local midnights and
    "by day" sums HourlyChapterTally into local dates. Without it (staff), days are UTC days.
    """
    day = day_sql()
    calllog = _t(CallLog)
    state_table = _t(RollupState)
    if generation is None:
        fresh, fresh_params = "SELECT 1 WHERE 1 = 0", []
    else:
        fresh = (
            f"SELECT 1 FROM {state_table} WHERE name = '{STATE_NAME}' "  # noqa: S608
            f"AND last_id = %s AND CAST(updated_at AS TEXT) = %s"
        )
        fresh_params = [generation[0], generation[1]]
    stale = "NOT EXISTS (SELECT 1 FROM fresh)"
    chapter_where, chapter_params = _in("chapter_id", chapter_ids)
    tail_where, tail_params = _calls_in(chapter_ids)
    zone = tz or dt.UTC
    lo, hi = _bounds(date_range, zone)
    ops = connection.ops
    if lo:
        tail_where += " AND created_at >= %s"
        tail_params.append(ops.adapt_datetimefield_value(lo))
    if hi:
        tail_where += " AND created_at < %s"
        tail_params.append(ops.adapt_datetimefield_value(hi))

    if date_range.is_all_time:
        campaign_table, office_table = _t(ChapterTally), _t(ChapterOfficeTally)
        roll_where, roll_params = chapter_where, chapter_params
    else:
        detail, detail_params = _detail_source(chapter_ids=chapter_ids, date_range=date_range, tz=zone)
        campaign_table = office_table = f"{detail} AS detail"
        roll_where, roll_params = "1 = 1", detail_params
    roll_where = f"{roll_where} AND {stale}"

    pieces: list[tuple[str, list]] = [
        (
            f"SELECT 'state' AS dim, 's' AS src, last_id AS k1, CAST(updated_at AS TEXT) AS k2, 0 AS n "  # noqa: S608
            f"FROM {state_table} WHERE name = '{STATE_NAME}'",
            [],
        )
    ]

    def grouped(dim: str, src: str, select: str, params: list) -> None:
        sql = f"SELECT '{dim}' AS dim, '{src}' AS src, k1, k2, CAST(SUM(n) AS BIGINT) AS n FROM ({select}) AS x GROUP BY k1, k2"  # noqa: S608
        pieces.append((sql, params))

    def piece(dim: str, k1: str, k2: str, table: str, tail_k1: str, tail_k2: str) -> None:
        grouped(dim, "r", f"SELECT {k1} AS k1, {k2} AS k2, n FROM {table} WHERE {roll_where}", roll_params)  # noqa: S608
        grouped(dim, "t", f"SELECT {tail_k1} AS k1, {tail_k2} AS k2, 1 AS n FROM tail WHERE {tail_where}", tail_params)  # noqa: S608

    piece("campaign", "campaign_id", "outcome", campaign_table, "campaign_id", "outcome")
    piece("office", "office_id", "''", office_table, "office_id", "''")
    if date_range.is_all_time:
        piece("member", "user_id", "''", _t(ChapterMemberTally), "COALESCE(user_id, 0)", "''")
    else:
        # Members in a date range: counted straight from CallLog (see tallies.models), split at
        # the mark like the rollups, so the cached half holds exactly the calls up to it.
        member_where, member_params = _calls_in(chapter_ids)
        member_where, member_params = _created_between(member_where, member_params, date_range, zone)
        grouped(
            "member",
            "r",
            f"SELECT COALESCE(user_id, 0) AS k1, '' AS k2, 1 AS n FROM {calllog} "  # noqa: S608
            f"WHERE {member_where} AND id <= {_mark_sql()} AND {stale}",
            member_params,
        )
        tail_members = f"SELECT COALESCE(user_id, 0) AS k1, '' AS k2, 1 AS n FROM tail WHERE {tail_where}"  # noqa: S608
        grouped("member", "t", tail_members, tail_params)
    if tz is None:
        day_where, day_params = f"{chapter_where} AND {stale}", list(chapter_params)
        if date_range.start:
            day_where += " AND day >= %s"
            day_params.append(ops.adapt_datefield_value(date_range.start))
        if date_range.end:
            day_where += " AND day <= %s"
            day_params.append(ops.adapt_datefield_value(date_range.end))
        grouped(
            "day",
            "r",
            f"SELECT 0 AS k1, {_day_text('day')} AS k2, n FROM {_t(DailyChapterTally)} WHERE {day_where}",  # noqa: S608
            day_params,
        )
        grouped("day", "t", f"SELECT 0 AS k1, {_day_text(day)} AS k2, 1 AS n FROM tail WHERE {tail_where}", tail_params)  # noqa: S608
    else:
        hour_where, hour_params = f"{chapter_where} AND {stale}", list(chapter_params)
        if lo:
            hour_where += " AND hour >= %s"
            hour_params.append(ops.adapt_datetimefield_value(lo))
        if hi:
            hour_where += " AND hour < %s"
            hour_params.append(ops.adapt_datetimefield_value(hi))
        local_hour = _day_text(_local_date_sql("hour", tz))
        grouped(
            "day",
            "r",
            f"SELECT 0 AS k1, {local_hour} AS k2, n FROM {_t(HourlyChapterTally)} WHERE {hour_where}",  # noqa: S608
            hour_params,
        )
        local_call = _day_text(_local_date_sql("created_at", tz))
        grouped("day", "t", f"SELECT 0 AS k1, {local_call} AS k2, 1 AS n FROM tail WHERE {tail_where}", tail_params)  # noqa: S608
    if with_chapters:
        piece("chapter", "chapter_id", "''", campaign_table, "COALESCE(chapter_id, 0)", "''")
    # Everyone's all-time calls toward each campaign's goal, for every campaign (a row per
    # campaign and outcome, however many calls), so the cached half covers any campaign the
    # chapter calls next.
    grouped("goal", "r", f"SELECT campaign_id AS k1, '' AS k2, n FROM {_t(CampaignTally)} WHERE {stale}", [])  # noqa: S608
    grouped("goal", "t", "SELECT campaign_id AS k1, '' AS k2, 1 AS n FROM tail", [])
    tail = (
        f"SELECT chapter_id, campaign_id, outcome, office_id, user_id, created_at "  # noqa: S608
        f"FROM {calllog} WHERE {_tail_sql(mark_floor())}"
    )
    body = " UNION ALL ".join(f"SELECT * FROM ({s}) AS p{i}" for i, (s, _) in enumerate(pieces))  # noqa: S608
    sql = f"WITH fresh AS ({fresh}), tail AS ({tail}) {body}"
    params = fresh_params + [p for _, ps in pieces for p in ps]
    return sql, params


def _dashboard_cache_key(chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo | None = None) -> str:
    scope = "all" if chapter_ids is None else ",".join(str(i) for i in sorted(chapter_ids))
    return (
        f"tallies:dashboard:v{DASHBOARD_CACHE_VERSION}:{connection.settings_dict['NAME']}:{scope}:"
        f"{date_range.start or ''}:{date_range.end or ''}:{tz.key if tz else 'utc-days'}"
    )


def _cache_get(key: str):
    from django.core.cache import cache

    return cache.get(key)


def _cache_set(key: str, value) -> None:
    from django.core.cache import cache

    cache.set(key, value, timeout=DASHBOARD_CACHE_SECONDS)


def _dashboard_figures(
    *, chapter_ids: list[int] | None, date_range: DateRange, with_chapters: bool, tz: ZoneInfo | None = None
) -> dict[str, dict[tuple[int, str], int]]:
    """The figures by dimension: the rollup half (cached per rollup state) plus the live tail."""
    key = _dashboard_cache_key(chapter_ids, date_range, tz)
    entry = _cache_get(key)  # (generation, rolled figures) or None
    generation = entry[0] if entry else None
    sql, params = _dashboard_sql(
        chapter_ids=chapter_ids, date_range=date_range, with_chapters=with_chapters, generation=generation, tz=tz
    )
    state = None
    rolled: dict[str, dict] = defaultdict(dict)
    tail: dict[str, dict] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for dim, src, k1, k2, n in cursor.fetchall():
            if dim == "state":
                state = (int(k1), k2)
            elif n:
                (rolled if src == "r" else tail)[dim][(int(k1), k2)] = int(n)
    if entry and state == generation:
        rolled = entry[1]
    elif state is not None:
        _cache_set(key, (state, dict(rolled)))
    figures: dict[str, dict] = defaultdict(dict)
    for dim in set(rolled) | set(tail):
        merged = dict(rolled.get(dim, {}))
        for k, n in tail.get(dim, {}).items():
            merged[k] = merged.get(k, 0) + n
        figures[dim] = merged
    return figures


def _day_text(expr: str) -> str:
    # Days travel as text so every piece of the UNION has the same column types on both databases.
    if connection.vendor == "postgresql":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    return f"CAST({expr} AS TEXT)"


def _created_between(where: str, params: list, date_range: DateRange, tz: ZoneInfo) -> tuple[str, list]:
    ops = connection.ops
    params = list(params)
    lo, hi = _bounds(date_range, tz)
    if lo:
        where += " AND created_at >= %s"
        params.append(ops.adapt_datetimefield_value(lo))
    if hi:
        where += " AND created_at < %s"
        params.append(ops.adapt_datetimefield_value(hi))
    return where, params


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def tally_dashboard(
    *,
    chapter_ids: list[int] | None,
    date_range: DateRange | None = None,
    all_members: bool = False,
    tz: ZoneInfo | None = None,
) -> Dashboard:
    """The figures of the chapter dashboard (chapter_ids=[id]) or of the staff one (None: every chapter).

    tz: the chapter's zone; its date range and "by day" are then the chapter's local days.
    Without it (staff), days are UTC days.

    Queries: the figures with the campaigns' totals toward their goals (one statement), the
    campaigns, the offices, the members and, for staff, the chapters: five at most, whatever
    the number of calls.
    by_member holds the TOP_MEMBERS most active callers, or all of them (for the CSV).
    """
    from accounts.models import Chapter, User
    from campaigns.models import Campaign
    from officials.models import Office

    date_range = date_range or DateRange()
    with_chapters = chapter_ids is None
    figures = _dashboard_figures(chapter_ids=chapter_ids, date_range=date_range, with_chapters=with_chapters, tz=tz)

    board = Dashboard(date_range=date_range)
    outcome_counts: dict[str, int] = defaultdict(int)
    campaign_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (campaign_id, outcome), n in figures["campaign"].items():
        outcome_counts[outcome] += n
        campaign_counts[campaign_id][outcome] += n
    board.total = sum(outcome_counts.values())
    board.by_outcome = [(value, label, outcome_counts.get(value, 0)) for value, label in Outcome.choices]

    # Campaigns: those called, plus the chapter's own (to show progress toward their goal).
    campaign_filter = Q(pk__in=list(campaign_counts))
    if chapter_ids is not None:
        campaign_filter |= Q(chapter_id__in=chapter_ids)
    campaigns = list(Campaign.objects.filter(campaign_filter).only("id", "title", "slug", "call_goal", "chapter_id"))
    totals = {k1: n for (k1, _), n in figures["goal"].items()}
    rows = []
    for campaign in campaigns:
        counts = campaign_counts.get(campaign.pk, {})
        everyone = totals.get(campaign.pk, 0)
        rows.append(
            {
                "campaign": campaign,
                "n": sum(counts.values()),
                "by_outcome": {value: counts.get(value, 0) for value in Outcome.values},
                "total": everyone,
                "goal": campaign.call_goal or None,
                "progress": campaign.goal_percent(everyone),
            }
        )
    board.by_campaign = sorted(rows, key=lambda r: (-r["n"], r["campaign"].title))

    office_counts = {k1: n for (k1, _), n in figures["office"].items()}
    offices = Office.objects.filter(pk__in=list(office_counts)).select_related("division")
    board.by_office = sorted(((o, office_counts[o.pk]) for o in offices), key=lambda r: (-r[1], str(r[0])))
    state_counts: dict[str, int] = defaultdict(int)
    for office, n in board.by_office:
        state_counts[office.state_code] += n
    board.by_state = sorted(state_counts.items(), key=lambda r: (-r[1], r[0]))

    member_counts = {k1: n for (k1, _), n in figures["member"].items()}
    board.members_total = len(member_counts)
    top = sorted(member_counts.items(), key=lambda r: (-r[1], r[0]))[: None if all_members else TOP_MEMBERS]
    users = {u.pk: u for u in User.objects.filter(pk__in=[k for k, _ in top]).only("id", "name", "email")}
    board.by_member = [(users.get(user_id), n) for user_id, n in top]

    by_day = {dt.date.fromisoformat(k2): n for (_, k2), n in figures["day"].items()}
    if not date_range.is_all_time:
        by_day = {
            d: n
            for d, n in by_day.items()
            if (not date_range.start or d >= date_range.start) and (not date_range.end or d <= date_range.end)
        }
    board.by_day = sorted(by_day.items())

    if with_chapters:
        chapter_counts = {k1: n for (k1, _), n in figures["chapter"].items()}
        chapters = {c.pk: c for c in Chapter.objects.filter(pk__in=list(chapter_counts))}
        board.by_chapter = sorted(
            ((chapters.get(pk), n) for pk, n in chapter_counts.items()), key=lambda r: (-r[1], str(r[0] or ""))
        )
    return board


class NoteRow(NamedTuple):
    """A caller's note as the dashboard shows it: plain values, not four model instances per note."""

    id: int
    note: str
    caller: str | None  # None: the account was deleted
    outcome: str
    office: str
    campaign: str
    created_at: dt.datetime  # in the dashboard's zone
    created_at_display: str  # "7 Mar 2026, 14:05"


def _in_range(calls, date_range: DateRange, tz: ZoneInfo):
    lo, hi = _bounds(date_range, tz)
    if lo:
        calls = calls.filter(created_at__gte=lo)
    if hi:
        calls = calls.filter(created_at__lt=hi)
    return calls


def tally_notes(
    *, chapter_ids: list[int] | None, date_range: DateRange, before_id: int | None = None, tz: ZoneInfo | None = None
):
    """A page of callers' notes, newest first, and the id to pass as `before_id` for the next one (or None).

    Times and the range are in tz (the chapter's zone), or UTC.
    """
    zone = tz or dt.UTC
    notes = CallLog.objects.exclude(note="")
    if chapter_ids is not None:
        notes = notes.filter(chapter_id__in=chapter_ids)
    notes = _in_range(notes, date_range, zone)
    if before_id:
        notes = notes.filter(id__lt=before_id)
    rows = notes.order_by("-id").values_list(
        "id",
        "note",
        "user_id",
        "user__name",
        "user__email",
        "outcome",
        "office__name",
        "office__title",
        "campaign__title",
        "created_at",
    )[: NOTES_PAGE_SIZE + 1]
    page = []
    for call_id, note, user_id, name, email, outcome, office_name, office_title, campaign, created_at in rows:
        created_at = created_at.astimezone(zone)
        page.append(
            NoteRow(
                id=call_id,
                note=note,
                # The same rule as User.display_name, without loading the user.
                caller=(name or email.split("@")[0]) if user_id else None,
                outcome=OUTCOME_LABELS.get(outcome, outcome),
                office=office_name or office_title,  # Office.__str__
                campaign=campaign,
                created_at=created_at,
                created_at_display=f"{created_at.day} {created_at:%b %Y, %H:%M}",
            )
        )
    more = len(page) > NOTES_PAGE_SIZE
    page = page[:NOTES_PAGE_SIZE]
    return page, (page[-1].id if more else None)


def tally_call_logs_for_export(*, chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo | None = None):
    """Every call of the chapter(s) in the range (local days in tz, else UTC), oldest first, streamed."""
    calls = CallLog.objects.order_by("id")
    if chapter_ids is not None:
        calls = calls.filter(chapter_id__in=chapter_ids)
    calls = _in_range(calls, date_range, tz or dt.UTC)
    return calls.values_list(
        "id",
        "created_at",
        "campaign__slug",
        "action_id",
        "office__title",
        "office__name",
        "person__name",
        "outcome",
        "chapter__slug",
        "user__email",
        "source",
        "note",
    ).iterator(chunk_size=5000)


# ------------------------------------------------------------------------------
# My impact
# ------------------------------------------------------------------------------
@dataclass
class Impact:
    total: int = 0
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_campaign: list[dict] = field(default_factory=list)
    streak_weeks: int = 0  # consecutive weeks with a call, up to this week (or last, if none yet this week)
    longest_streak_weeks: int = 0
    called_this_week: bool = False
    week_start: dt.date | None = None


def tally_impact(*, user, today: dt.date | None = None) -> Impact:
    """The volunteer's own calls by outcome and campaign, and their weekly streak.

    Read from their own CallLog rows through the (user, created_at) index, so exact at once:
    one volunteer's calls are few, and weeks start on Monday in their own time zone, which
    UTC-day rollups could not give.
    """
    from campaigns.models import Campaign

    rows = [
        (row["campaign_id"], row["outcome"], row["n"])
        for row in CallLog.objects.filter(user=user).order_by().values("campaign_id", "outcome").annotate(n=Count("id"))
    ]
    impact = Impact()
    outcome_counts: dict[str, int] = defaultdict(int)
    campaign_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for campaign_id, outcome, n in rows:
        outcome_counts[outcome] += n
        campaign_counts[campaign_id][outcome] += n
    impact.total = sum(outcome_counts.values())
    impact.by_outcome = [(value, label, outcome_counts.get(value, 0)) for value, label in Outcome.choices]
    campaigns = Campaign.objects.filter(pk__in=list(campaign_counts)).only("id", "title", "slug")
    impact.by_campaign = sorted(
        (
            {"campaign": c, "n": sum(campaign_counts[c.pk].values()), "by_outcome": dict(campaign_counts[c.pk])}
            for c in campaigns
        ),
        key=lambda r: (-r["n"], r["campaign"].title),
    )

    try:
        tz = ZoneInfo(user.time_zone or "UTC")
    except (ValueError, KeyError):
        tz = dt.UTC
    weeks = {
        (w.astimezone(tz).date() if isinstance(w, dt.datetime) else w)
        for w in CallLog.objects.filter(user=user)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .order_by()
        .values_list("week", flat=True)
        .distinct()
    }
    today = today or timezone.now().astimezone(tz).date()
    this_week = today - dt.timedelta(days=today.weekday())
    impact.week_start = this_week
    impact.called_this_week = this_week in weeks
    impact.streak_weeks, impact.longest_streak_weeks = weekly_streaks(weeks, this_week=this_week)
    return impact


def weekly_streaks(weeks: set[dt.date], *, this_week: dt.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive Monday-start weeks. This week not called yet keeps the streak alive."""
    step = dt.timedelta(weeks=1)
    current = 0
    week = this_week if this_week in weeks else this_week - step
    while week in weeks:
        current += 1
        week -= step
    longest = 0
    for week in weeks:
        if week - step in weeks:
            continue
        run = 0
        while week in weeks:
            run += 1
            week += step
        longest = max(longest, run)
    return current, longest


def calls_for_data_export(*, user) -> list[dict]:
    """The volunteer's own calls with their notes, for "Download my data" (see accounts.data_export)."""
    from accounts.data_export import when

    return [
        {
            "id": c.pk,
            "campaign": c.campaign.slug,
            "action": c.action_id,
            "office": str(c.office),
            "official": c.person.name if c.person else None,
            "outcome": c.outcome,
            "note": c.note,
            "source": c.source,
            "client_timestamp": when(c.client_timestamp),
            "created_at": when(c.created_at),
        }
        for c in CallLog.objects.filter(user=user)
        .select_related("campaign", "office", "person")
        .order_by("created_at", "id")
    ]
