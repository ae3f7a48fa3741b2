"""The hand-written SQL of the office report and the answer rates.

Which calls count is said once, here (COUNTED_CALLS): every figure of the report, its shared
notes (tallies/selectors/office_report.py filters with counted_calls_q) and the answer rates
read calls through it, so a rule that leaves some calls out (an undone call) is one change.

- office_report_rows: one statement over CallLog through the (office, campaign, created_at)
  index, which includes user, outcome and chapter, so PostgreSQL reads it alone: distinct
  constituents need the callers themselves (exact, not a sketch), which no count rollup keeps.
- answer_rate_rows: AnswerHourTally up to the mark plus the live tail above it, in one
  snapshot, grouped by local weekday and hour in each office's zone; the ORM cannot group a
  UNION ALL of two tables, nor convert a column's time zone that differs per office.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from accounts.time_zones import CHAPTER_TIME_ZONES

from ..models import AnswerHourTally, CallLog, Outcome
from ..rollups import mark_floor
from .reads import day_text, ids_in, local_date_sql, table, tail_sql
from .rollup import hour_sql

# The calls every report figure counts, as the dashboard does: not an undo row, and not undone
# (CallLog.objects.counted()). Unqualified columns: the statements read the call log alone.
COUNTED_CALLS = (
    f"undoes_id IS NULL AND NOT EXISTS (SELECT 1 FROM {CallLog._meta.db_table} undo "  # noqa: S608
    f"WHERE undo.undoes_id = {CallLog._meta.db_table}.id)"
)
# A constituent "called" unless they only skipped the office.
CONTACTED = f"outcome <> '{Outcome.SKIPPED.value}'"
# The outcomes of a dialled call: reached (answered) or not.
DIALLED = (Outcome.REACHED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.VOICEMAIL_FULL)


def counted_calls_q() -> Q:
    """COUNTED_CALLS for the ORM (the shared notes)."""
    undos = CallLog.objects.filter(undoes_id=OuterRef("pk"))
    return Q(undoes__isnull=True) & ~Q(Exists(undos))


def office_report_rows(
    *, office_id: int, campaign_id: int, chapter_ids: list[int] | None, lo: dt.datetime, hi: dt.datetime, tz
) -> list[tuple]:
    """Rows (kind, key, n) of one office's calls for one campaign in [lo, hi):

    ('outcome', outcome, calls), ('day', local date, calls), ('constituents', '', distinct
    callers who did not only skip), ('first'|'last', ISO instant, 0).
    """
    zone = str(tz.key)
    if zone not in CHAPTER_TIME_ZONES:
        raise ValueError(f"{zone!r} is not a chapter time zone")
    ops = connection.ops
    chapter_where, chapter_params = ids_in("chapter_id", chapter_ids)
    calls = (
        f"SELECT user_id, outcome, created_at FROM {table(CallLog)} "  # noqa: S608
        f"WHERE office_id = %s AND campaign_id = %s AND created_at >= %s AND created_at < %s "
        f"AND {chapter_where} AND {COUNTED_CALLS}"
    )
    params = [
        office_id,
        campaign_id,
        ops.adapt_datetimefield_value(lo),
        ops.adapt_datetimefield_value(hi),
        *chapter_params,
    ]
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    if connection.vendor == "postgresql":
        first, last = (
            f"to_char({agg}(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS')" for agg in ("MIN", "MAX")
        )
    else:
        first, last = (f"strftime('%%Y-%%m-%%dT%%H:%%M:%%S', {agg}(created_at))" for agg in ("MIN", "MAX"))
    # By day: the calls are grouped by UTC hour first (cheap per row), and only the hours are
    # converted to the zone's dates: every zone used is whole hours from UTC, so an hour lies in
    # one local day.
    by_hour = f"SELECT {hour_sql()} AS h, COUNT(*) AS n FROM calls GROUP BY 1"  # noqa: S608
    local_day = local_date_sql("h", tz)
    by_day = f"SELECT {day_text('d')} AS d, SUM(n) AS n FROM (SELECT {local_day} AS d, n FROM ({by_hour}) AS hours) AS days GROUP BY d"  # noqa: S608
    sql = (
        f"WITH calls AS {materialized}({calls}) "  # noqa: S608
        f"SELECT 'outcome', outcome, COUNT(*) FROM calls GROUP BY outcome "
        f"UNION ALL SELECT 'day', d, n FROM ({by_day}) AS by_day "
        f"UNION ALL SELECT 'constituents', '', COUNT(DISTINCT user_id) FROM calls WHERE {CONTACTED} "
        f"UNION ALL SELECT 'first', {first}, 0 FROM calls "
        f"UNION ALL SELECT 'last', {last}, 0 FROM calls"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def answer_rate_rows(*, office_zones: dict[int, str], since: dt.datetime) -> list[tuple]:
    """Rows (office_id, contact_point_id (0: not said), ISO weekday 1-7, local hour, dialled, reached)
    of these offices' dialled calls since the instant, by the office's own zone.

    The rollup rows up to the mark and the calls above it come from one snapshot.
    """
    if not office_zones:
        return []
    for zone in office_zones.values():
        if zone not in CHAPTER_TIME_ZONES:
            raise ValueError(f"{zone!r} is not a supported time zone")
    ops = connection.ops
    office_where, office_params = ids_in("office_id", list(office_zones))
    outcomes = ", ".join(f"'{o.value}'" for o in DIALLED)
    since_hour = since.replace(minute=0, second=0, microsecond=0)
    rolled = (
        f"SELECT office_id, contact_point_id, hour AS at, outcome, n FROM {table(AnswerHourTally)} "  # noqa: S608
        f"WHERE {office_where} AND hour >= %s AND outcome IN ({outcomes})"
    )
    tail = (
        # Weighted as the rollup adds them: an undo row (-1) takes back its call, rolled up or not.
        f"SELECT office_id, COALESCE(contact_point_id, 0), created_at, outcome, weight FROM {table(CallLog)} "  # noqa: S608
        f"WHERE {tail_sql(mark_floor())} AND {office_where} AND created_at >= %s AND outcome IN ({outcomes})"
    )
    zones = " UNION ALL ".join("SELECT %s AS office_id, %s AS tz" for _ in office_zones)
    zone_params = [p for office_id, zone in office_zones.items() for p in (office_id, zone)]
    if connection.vendor == "postgresql":
        local = "(x.at AT TIME ZONE z.tz)"
        weekday, hour = f"CAST(EXTRACT(ISODOW FROM {local}) AS INTEGER)", f"CAST(EXTRACT(HOUR FROM {local}) AS INTEGER)"
    else:
        # Django's own SQLite functions (registered on every connection) convert the zone.
        weekday = "django_datetime_extract('iso_week_day', x.at, z.tz, 'UTC')"
        hour = "django_datetime_extract('hour', x.at, z.tz, 'UTC')"
    sql = (
        f"WITH zones AS ({zones}) "  # noqa: S608
        f"SELECT x.office_id, x.contact_point_id, {weekday} AS wd, {hour} AS hr, CAST(SUM(x.n) AS BIGINT), "
        f"CAST(SUM(CASE WHEN x.outcome = '{Outcome.REACHED.value}' THEN x.n ELSE 0 END) AS BIGINT) "
        f"FROM ({rolled} UNION ALL {tail}) AS x "
        f"JOIN zones z ON z.office_id = x.office_id "
        f"GROUP BY x.office_id, x.contact_point_id, wd, hr"
    )
    stamp = ops.adapt_datetimefield_value(since_hour)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*zone_params, *office_params, stamp, *office_params, ops.adapt_datetimefield_value(since)])
        return cursor.fetchall()
