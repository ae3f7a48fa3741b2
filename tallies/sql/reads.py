"""The tallies' hand-written SQL for reads: one statement per figure set, rollups plus live tail.

The selectors (tallies/selectors/totals.py, dashboard.py) call the *_rows functions here; only
they run a statement.

Every statement takes the mark, the rollup rows up to it and the calls above it from one
snapshot (see tallies/selectors/__init__.py). A call in the live tail counts its weight (an
undo row -1, see tallies.models), as the rollup does. Table names come from the models; values travel
as parameters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import connection

from accounts.time_zones import CHAPTER_TIME_ZONES

from ..date_ranges import DateRange, ceil_day, utc_midnight
from ..models import (
    CallLog,
    CampaignTally,
    ChapterMemberTally,
    ChapterOfficeTally,
    ChapterTally,
    DailyChapterTally,
    DailyTally,
    HourlyChapterTally,
    RollupState,
)
from ..rollups import STATE_NAME, mark_floor
from .rollup import day_sql


def table(model) -> str:
    return model._meta.db_table


def mark_sql() -> str:
    return f"(SELECT COALESCE(MAX(last_id), 0) FROM {table(RollupState)} WHERE name = '{STATE_NAME}')"  # noqa: S608


def tail_sql(floor: int) -> str:
    """The live tail: calls above the mark read in the same statement.

    The planner cannot see the mark's value inside the statement and would guess a third of
    the table, so `id > floor` (a literal no larger than the mark, see mark_floor) lets it
    plan an index range scan of the few newest rows.
    """
    return f"id > {int(floor)} AND id > {mark_sql()}"


def ids_in(column: str, ids: list[int] | None) -> tuple[str, list]:
    """An `IN` filter, or no filter at all when ids is None (every chapter, for staff)."""
    if ids is None:
        return "1 = 1", []
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def calls_in(chapter_ids: list[int] | None) -> tuple[str, list]:
    """CallLog rows of these chapters (0: calls without one).

    Real chapters are matched on the bare column, so the planner can use the
    (chapter_id, created_at) index for a date range instead of scanning every call.
    """
    if chapter_ids is not None and 0 not in chapter_ids:
        return ids_in("chapter_id", chapter_ids)
    return ids_in("COALESCE(chapter_id, 0)", chapter_ids)


def combined_sql(rolled: str, rolled_params: list, tail: str, tail_params: list, keys: str) -> tuple[str, list]:
    """SUM over the rollup rows and the live tail rows, grouped by the same keys."""
    sql = f"SELECT {keys}, CAST(SUM(n) AS BIGINT) AS n FROM ({rolled} UNION ALL {tail}) AS x GROUP BY {keys}"  # noqa: S608
    return sql, rolled_params + tail_params


def detail_source(*, chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo) -> tuple[str, list]:
    """Rolled-up calls by (chapter, campaign, office, outcome) in a date range of local days.

    DailyTally holds UTC days. The UTC days wholly inside the range come from it; the hours at
    either edge (a local day starts at 05:00 or 06:00 UTC in St. Louis) are counted from
    CallLog up to the mark through its (chapter_id, created_at) index: at most two partial
    days, so the cost does not grow with the range.
    """
    ops = connection.ops
    lo, hi = date_range.bounds(tz)
    first_full = ceil_day(lo) if lo else None
    last_full_excl = hi.date() if hi else None
    chapter_where, chapter_params = ids_in("chapter_id", chapter_ids)
    call_chapter_where, call_chapter_params = calls_in(chapter_ids)
    daily_where, daily_params = chapter_where, list(chapter_params)
    edges: list[tuple[dt.datetime | None, dt.datetime | None]] = []
    if first_full and last_full_excl and first_full >= last_full_excl:
        daily_where += " AND 1 = 0"
        edges.append((lo, hi))
    else:
        if first_full:
            daily_where += " AND day >= %s"
            daily_params.append(ops.adapt_datefield_value(first_full))
            if lo < utc_midnight(first_full):
                edges.append((lo, utc_midnight(first_full)))
        if last_full_excl:
            daily_where += " AND day < %s"
            daily_params.append(ops.adapt_datefield_value(last_full_excl))
            if utc_midnight(last_full_excl) < hi:
                edges.append((utc_midnight(last_full_excl), hi))
    parts = [
        (
            f"SELECT chapter_id, campaign_id, office_id, outcome, n FROM {table(DailyTally)} WHERE {daily_where}",  # noqa: S608
            daily_params,
        )
    ]
    for start, end in edges:
        parts.append(
            (
                f"SELECT COALESCE(chapter_id, 0) AS chapter_id, campaign_id, office_id, outcome, weight AS n "  # noqa: S608
                f"FROM {table(CallLog)} WHERE {call_chapter_where} AND created_at >= %s AND created_at < %s "
                f"AND id <= {mark_sql()}",
                [*call_chapter_params, ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)],
            )
        )
    sql = " UNION ALL ".join(f"SELECT * FROM ({p}) AS e{i}" for i, (p, _) in enumerate(parts))  # noqa: S608
    return f"({sql})", [x for _, ps in parts for x in ps]


def local_date_sql(expr: str, tz: ZoneInfo) -> str:
    """The date of a UTC timestamp in the zone (a name from accounts.time_zones, checked there)."""
    name = str(tz.key)
    if name not in CHAPTER_TIME_ZONES:
        raise ValueError(f"{name!r} is not a chapter time zone")
    if connection.vendor == "postgresql":
        return f"CAST(({expr} AT TIME ZONE '{name}') AS DATE)"
    return f"django_datetime_cast_date({expr}, '{name}', 'UTC')"


def dashboard_sql(
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
    calllog = table(CallLog)
    state_table = table(RollupState)
    if generation is None:
        fresh, fresh_params = "SELECT 1 WHERE 1 = 0", []
    else:
        fresh = (
            f"SELECT 1 FROM {state_table} WHERE name = '{STATE_NAME}' "  # noqa: S608
            f"AND last_id = %s AND CAST(updated_at AS TEXT) = %s"
        )
        last_id, updated_at = generation  # the rollup state the cached half was read at
        fresh_params = [last_id, updated_at]
    stale = "NOT EXISTS (SELECT 1 FROM fresh)"
    chapter_where, chapter_params = ids_in("chapter_id", chapter_ids)
    zone = tz or dt.UTC
    tail_where, tail_params = created_between(*calls_in(chapter_ids), date_range, zone)
    lo, hi = date_range.bounds(zone)
    ops = connection.ops

    if date_range.is_all_time:
        campaign_table, office_table = table(ChapterTally), table(ChapterOfficeTally)
        roll_where, roll_params = chapter_where, chapter_params
    else:
        detail, detail_params = detail_source(chapter_ids=chapter_ids, date_range=date_range, tz=zone)
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
        grouped(
            dim,
            "t",
            f"SELECT {tail_k1} AS k1, {tail_k2} AS k2, weight AS n FROM tail WHERE {tail_where}",  # noqa: S608
            tail_params,
        )

    piece("campaign", "campaign_id", "outcome", campaign_table, "campaign_id", "outcome")
    piece("office", "office_id", "''", office_table, "office_id", "''")
    if date_range.is_all_time:
        piece("member", "user_id", "''", table(ChapterMemberTally), "COALESCE(user_id, 0)", "''")
    else:
        # Members in a date range: counted straight from CallLog (see tallies.models), split at
        # the mark like the rollups, so the cached half holds exactly the calls up to it.
        member_where, member_params = calls_in(chapter_ids)
        member_where, member_params = created_between(member_where, member_params, date_range, zone)
        grouped(
            "member",
            "r",
            f"SELECT COALESCE(user_id, 0) AS k1, '' AS k2, weight AS n FROM {calllog} "  # noqa: S608
            f"WHERE {member_where} AND id <= {mark_sql()} AND {stale}",
            member_params,
        )
        tail_members = f"SELECT COALESCE(user_id, 0) AS k1, '' AS k2, weight AS n FROM tail WHERE {tail_where}"  # noqa: S608
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
            f"SELECT 0 AS k1, {day_text('day')} AS k2, n FROM {table(DailyChapterTally)} WHERE {day_where}",  # noqa: S608
            day_params,
        )
        grouped(
            "day",
            "t",
            f"SELECT 0 AS k1, {day_text(day)} AS k2, weight AS n FROM tail WHERE {tail_where}",  # noqa: S608
            tail_params,
        )
    else:
        hour_where, hour_params = f"{chapter_where} AND {stale}", list(chapter_params)
        if lo:
            hour_where += " AND hour >= %s"
            hour_params.append(ops.adapt_datetimefield_value(lo))
        if hi:
            hour_where += " AND hour < %s"
            hour_params.append(ops.adapt_datetimefield_value(hi))
        local_hour = day_text(local_date_sql("hour", tz))
        grouped(
            "day",
            "r",
            f"SELECT 0 AS k1, {local_hour} AS k2, n FROM {table(HourlyChapterTally)} WHERE {hour_where}",  # noqa: S608
            hour_params,
        )
        local_call = day_text(local_date_sql("created_at", tz))
        grouped(
            "day",
            "t",
            f"SELECT 0 AS k1, {local_call} AS k2, weight AS n FROM tail WHERE {tail_where}",  # noqa: S608
            tail_params,
        )
    if with_chapters:
        piece("chapter", "chapter_id", "''", campaign_table, "COALESCE(chapter_id, 0)", "''")
    # Everyone's all-time calls toward each campaign's goal, for every campaign (a row per
    # campaign and outcome, however many calls), so the cached half covers any campaign the
    # chapter calls next.
    grouped("goal", "r", f"SELECT campaign_id AS k1, '' AS k2, n FROM {table(CampaignTally)} WHERE {stale}", [])  # noqa: S608
    grouped("goal", "t", "SELECT campaign_id AS k1, '' AS k2, weight AS n FROM tail", [])
    tail = (
        f"SELECT chapter_id, campaign_id, outcome, office_id, user_id, created_at, weight "  # noqa: S608
        f"FROM {calllog} WHERE {tail_sql(mark_floor())}"
    )
    body = " UNION ALL ".join(f"SELECT * FROM ({s}) AS p{i}" for i, (s, _) in enumerate(pieces))  # noqa: S608
    sql = f"WITH fresh AS ({fresh}), tail AS ({tail}) {body}"
    params = fresh_params + [p for _, ps in pieces for p in ps]
    return sql, params


def day_text(expr: str) -> str:
    # Days travel as text so every piece of the UNION has the same column types on both databases.
    if connection.vendor == "postgresql":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    return f"CAST({expr} AS TEXT)"


def created_between(where: str, params: list, date_range: DateRange, tz: ZoneInfo) -> tuple[str, list]:
    ops = connection.ops
    params = list(params)
    lo, hi = date_range.bounds(tz)
    if lo:
        where += " AND created_at >= %s"
        params.append(ops.adapt_datetimefield_value(lo))
    if hi:
        where += " AND created_at < %s"
        params.append(ops.adapt_datetimefield_value(hi))
    return where, params


def campaign_total_rows(campaign_ids: list[int]) -> list[tuple]:
    """(campaign_id, n) per campaign: its rollup row plus its calls in the live tail."""
    where, params = ids_in("campaign_id", campaign_ids)
    sql, params = combined_sql(
        f"SELECT campaign_id, n FROM {table(CampaignTally)} WHERE {where}",  # noqa: S608
        params,
        f"SELECT campaign_id, weight AS n FROM {table(CallLog)} WHERE {tail_sql(mark_floor())} AND {where}",  # noqa: S608
        params,
        "campaign_id",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def campaign_outcome_rows(campaign_id: int) -> list[tuple]:
    """(outcome, n) of one campaign: its rollup rows plus its calls in the live tail."""
    sql, params = combined_sql(
        f"SELECT outcome, n FROM {table(CampaignTally)} WHERE campaign_id = %s",  # noqa: S608
        [campaign_id],
        f"SELECT outcome, weight AS n FROM {table(CallLog)} WHERE {tail_sql(mark_floor())} AND campaign_id = %s",  # noqa: S608
        [campaign_id],
        "outcome",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def dashboard_rows(**kwargs) -> list[tuple]:
    """The rows (dim, src, k1, k2, n) of dashboard_sql (same arguments)."""
    sql, params = dashboard_sql(**kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
