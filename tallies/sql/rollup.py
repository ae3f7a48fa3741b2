"""The rollup's hand-written SQL: the tally tables' key expressions, the window end under the
brief table lock, and the upserts.

Why the table lock and the upserts are shaped this way is told in tallies/rollups.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import OperationalError, connection, transaction

from ..models import (
    AnswerHourTally,
    CallLog,
    CampaignTally,
    ChapterMemberTally,
    ChapterOfficeTally,
    ChapterTally,
    DailyChapterTally,
    DailyTally,
    HourlyChapterTally,
)


@dataclass(frozen=True)
class TallySpec:
    """A tally table and the CallLog expressions of its key columns, in the order of its unique key."""

    model: type
    keys: tuple[tuple[str, str], ...]

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def day_sql() -> str:
    """The UTC date of CallLog.created_at, on this database."""
    if connection.vendor == "postgresql":
        return "(created_at AT TIME ZONE 'UTC')::date"
    return "date(created_at)"


def hour_sql() -> str:
    """The UTC hour CallLog.created_at falls in, on this database."""
    if connection.vendor == "postgresql":
        return "date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    return "strftime('%%Y-%%m-%%d %%H:00:00', created_at)"


def tally_specs() -> list[TallySpec]:
    day = day_sql()
    chapter = ("chapter_id", "COALESCE(chapter_id, 0)")
    user = ("user_id", "COALESCE(user_id, 0)")
    return [
        TallySpec(CampaignTally, (("campaign_id", "campaign_id"), ("outcome", "outcome"))),
        TallySpec(ChapterTally, (chapter, ("campaign_id", "campaign_id"), ("outcome", "outcome"))),
        TallySpec(ChapterOfficeTally, (chapter, ("office_id", "office_id"))),
        TallySpec(ChapterMemberTally, (chapter, user)),
        TallySpec(DailyChapterTally, (chapter, ("day", day))),
        TallySpec(HourlyChapterTally, (chapter, ("hour", hour_sql()))),
        TallySpec(
            DailyTally,
            (chapter, ("day", day), ("campaign_id", "campaign_id"), ("office_id", "office_id"), ("outcome", "outcome")),
        ),
        TallySpec(
            AnswerHourTally,
            (
                ("office_id", "office_id"),
                ("hour", hour_sql()),
                ("contact_point_id", "COALESCE(contact_point_id, 0)"),
                ("outcome", "outcome"),
            ),
        ),
    ]


WINDOW_WHERE = "id > %s AND id <= %s"  # the calls of a window, start < id <= end


class _ReleaseLock(Exception):  # noqa: N818 - control flow, never seen outside
    def __init__(self, end: int):
        self.end = end


def window_end(*, lock_timeout: str) -> int | None:
    """The largest CallLog id such that no smaller id can still commit, or None if writers stay busy.

    The caller holds the state row lock. On PostgreSQL the table lock is taken in a savepoint
    and released by rolling it back (Citus raises an exception for the same reason). The wait is
    bounded by lock_timeout: a long transaction still inserting (a big batch upload) makes
    this rollup give up (None), and writers queued behind it stall no longer than that.
    On SQLite writes are serialised, so max(id) is final.
    """
    calllog = CallLog._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {calllog}")  # noqa: S608
            return cursor.fetchone()[0]
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}'")
                cursor.execute(f"LOCK TABLE {calllog} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {calllog}")  # noqa: S608
                raise _ReleaseLock(cursor.fetchone()[0])
        except _ReleaseLock as released:
            return released.end
        except OperationalError:
            return None


def upsert_sql(spec: TallySpec, *, source: str, where: str) -> str:
    """Add the counts of `source`'s rows matching `where` into the spec's table.

    A row counts its weight: +1 for a call, -1 for an undo (tallies.models), which carries the
    keys of the call it undoes, so it lands on the same tally row.
    """
    cols = ", ".join(col for col, _ in spec.keys)
    exprs = ", ".join(expr for _, expr in spec.keys)
    # SQLite needs a WHERE (it tells its parser the ON CONFLICT belongs to the INSERT, not a join).
    return (
        f"INSERT INTO {spec.table} ({cols}, n) "  # noqa: S608
        f"SELECT {exprs}, SUM(weight) FROM {source} WHERE {where} GROUP BY {exprs} "
        f"ON CONFLICT ({cols}) DO UPDATE SET n = {spec.table}.n + excluded.n"
    )


def window_add(specs: list[TallySpec], *, start: int, end: int) -> int:
    """Add the calls with start < id <= end to every spec's table; returns how many there were.

    On PostgreSQL one statement reads the window once and feeds every upsert from it
    (data-modifying CTEs); on SQLite each table has its own INSERT ... SELECT.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            for spec in specs:
                cursor.execute(upsert_sql(spec, source=CallLog._meta.db_table, where=WINDOW_WHERE), [start, end])
            return CallLog.objects.filter(id__gt=start, id__lte=end).count()
        window = (
            f"SELECT campaign_id, chapter_id, office_id, user_id, outcome, created_at, weight, contact_point_id "  # noqa: S608
            f"FROM {CallLog._meta.db_table} WHERE {WINDOW_WHERE}"
        )
        ctes = [f"window_calls AS MATERIALIZED ({window})"]
        for n, spec in enumerate(specs):
            # The window was cut once, in window_calls: every row of it counts.
            upsert = upsert_sql(spec, source="window_calls", where="true")
            ctes.append(f"upsert_{n} AS ({upsert})")
        cursor.execute(f"WITH {', '.join(ctes)} SELECT COUNT(*) FROM window_calls", [start, end])  # noqa: S608
        return cursor.fetchone()[0]
