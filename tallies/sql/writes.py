"""The tallies' hand-written SQL for writes: the call INSERTs and forgetting an account's tallies.

Table names come from the models; values travel as parameters."""

from __future__ import annotations

import functools
import json
from datetime import datetime

from django.db import connection

from advocacy.db import prepared_cursor

from ..models import CallLog
from .rollup import TallySpec

CONFLICT_TARGET = "(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL"  # calllog_unique_idempotency_key


# A caller's own calls since a moment (params: user_id, user_id, start), through the
# (user, created_at) index whatever the planner's statistics say: the row comparison only an
# index led by (user_id, created_at) can serve, where a bare `created_at > %s` is also a qual
# for a full scan of the (campaign, created_at) and (chapter, created_at) indexes, which a plan
# made on a young table took (tests/tallies/test_per_office_limit_plan.py).
CALLER_WINDOW = "c.user_id = %s AND (c.user_id, c.created_at) > (%s, %s)"


def call_insert_returning(*, holder_sql: str, chapter_sql: str, params: list) -> tuple | None:
    """Insert one call unless its key was used or the per-office limit is reached.

    Returns (id, person_id, chapter_id, person name), or None when nothing was written. The
    params are the 14 column values, the chapter's (if chapter_sql is a slot), call_in's
    (user_id, office_id, today) and the limit's (user_id, user_id, window start, action_id,
    office_id, maximum); holder_sql and chapter_sql are the ORM-compiled lookups reading call_in.
    """
    with prepared_cursor() as cursor:
        cursor.execute(_call_insert_sql(holder_sql, chapter_sql, cursor.db.vendor), params)
        return cursor.fetchone()


@functools.lru_cache(maxsize=8)
def _call_insert_sql(holder_sql: str, chapter_sql: str, vendor: str) -> str:
    from officials.models import Person

    table = CallLog._meta.db_table
    person_table = Person._meta.db_table
    # The statement is prepared on PostgreSQL (server-side binding): a value that may be None
    # has its type said, so that every call shares one plan.
    stamp = "CAST(%s AS timestamptz)" if vendor == "postgresql" else "%s"
    cp = "CAST(%s AS bigint)" if vendor == "postgresql" else "%s"
    fence = "OFFSET 0" if vendor == "postgresql" else "LIMIT -1 OFFSET 0"  # SQLite has no OFFSET without LIMIT
    return (
        f"INSERT INTO {table} (user_id, campaign_id, action_id, office_id, outcome, source, idempotency_key, "  # noqa: S608
        f"request_hash, client_timestamp, created_at, note, contact_point_id, share_note, sign_note, "
        f"person_id, chapter_id) "
        f"SELECT %s, %s, %s, %s, %s, %s, %s, %s, {stamp}, %s, %s, {cp}, %s, %s, {holder_sql}, {chapter_sql} "
        f"FROM (SELECT %s AS user_id, %s AS office_id, %s AS today) AS call_in "
        # The per-office limit rides in the same statement: no extra round trip on the hot path.
        # It reads the caller's own calls of the window (CALLER_WINDOW), then keeps those to this
        # office for this action. The OFFSET fence keeps the action and office out of the scan:
        # with them in, a plan may AND in the single-column office index, which holds every call
        # to the office (on a national call day, most of the table).
        f"WHERE (SELECT count(*) FROM (SELECT c.action_id, c.office_id FROM {table} c "
        f"WHERE {CALLER_WINDOW} {fence}) AS recent "
        f"WHERE recent.action_id = %s AND recent.office_id = %s) < %s "
        f"ON CONFLICT {CONFLICT_TARGET} DO NOTHING "
        f"RETURNING id, person_id, chapter_id, "
        f"(SELECT p.name FROM {person_table} p WHERE p.id = {table}.person_id)"
    )


BATCH_COLUMNS = (
    ("user_id", "bigint"),
    ("campaign_id", "bigint"),
    ("action_id", "bigint"),
    ("office_id", "bigint"),
    ("person_id", "bigint"),
    ("outcome", "text"),
    ("chapter_id", "bigint"),
    ("source", "text"),
    ("idempotency_key", "text"),
    ("request_hash", "text"),
    ("client_timestamp", "timestamptz"),
    ("created_at", "timestamptz"),
    ("note", "text"),
    ("contact_point_id", "bigint"),
    ("share_note", "boolean"),
    ("sign_note", "boolean"),
)
_DATETIME_COLUMNS = (10, 11)


def calls_insert_many(rows: list[tuple]) -> dict[str, int]:
    """One INSERT for every row (values in BATCH_COLUMNS order); returns {idempotency_key: id} of the rows it wrote.

    A key used before, or meanwhile by a concurrent request, is skipped (ON CONFLICT DO NOTHING)
    rather than failing the whole batch. PostgreSQL gets the rows as one JSON parameter
    (json_to_recordset): json.dumps is C, where adapting 13,000 parameters one by one costs
    more than the INSERT. SQLite gets a VALUES list.
    """
    table = CallLog._meta.db_table
    columns = ", ".join(name for name, _ in BATCH_COLUMNS)
    tail = f"ON CONFLICT {CONFLICT_TARGET} DO NOTHING RETURNING idempotency_key, id"
    if connection.vendor == "postgresql":
        names = [name for name, _ in BATCH_COLUMNS]
        payload = json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=_json_datetime)
        record = ", ".join(f"{name} {sql_type}" for name, sql_type in BATCH_COLUMNS)
        sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM json_to_recordset(%s::json) AS r({record}) {tail}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [payload])
            return dict(cursor.fetchall())
    # SQLite (3.35 or newer: tallies/checks.py): a VALUES list; 32,766 parameters a statement
    # allow 16 columns x 1,000 rows.
    adapt = connection.ops.adapt_datetimefield_value
    placeholders = "(" + ", ".join(["%s"] * len(BATCH_COLUMNS)) + ")"
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(rows))} {tail}"  # noqa: S608
    params = []
    for row in rows:
        params.extend(adapt(v) if i in _DATETIME_COLUMNS else v for i, v in enumerate(row))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def caller_calls_since(*, user_id: int, start) -> list[tuple[int, int]]:
    """(action_id, office_id) of each call the caller logged after `start` (the batch's per-office limit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.action_id, c.office_id FROM {CallLog._meta.db_table} c WHERE {CALLER_WINDOW}",  # noqa: S608
            [user_id, user_id, connection.ops.adapt_datetimefield_value(start)],
        )
        return cursor.fetchall()


def calls_with_keys(*, user_id: int, keys) -> dict[str, tuple[int, str]]:
    """{idempotency_key: (id, request_hash)} of this caller's calls stored under any of these keys.

    On PostgreSQL the keys travel as one array parameter (`= ANY(%s)`): an `IN` list of a
    1,000-item batch is a statement text too long for psycopg's cache of parsed queries, and
    was parsed again on every batch.
    """
    keys = list(keys)
    if not keys:
        return {}
    table = CallLog._meta.db_table
    if connection.vendor == "postgresql":
        where, params = "idempotency_key = ANY(%s)", [keys]
    else:
        where, params = f"idempotency_key IN ({', '.join(['%s'] * len(keys))})", keys
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT idempotency_key, id, request_hash FROM {table} WHERE user_id = %s AND {where}",  # noqa: S608
            [user_id, *params],
        )
        return {key: (pk, request_hash) for key, pk, request_hash in cursor.fetchall()}


def _json_datetime(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def tallies_move_to_nobody(specs: list[TallySpec], *, user_id: int) -> None:
    """Add a user's rows of every per-user tally table to user 0's, then delete them."""
    with connection.cursor() as cursor:
        for spec in specs:
            cols = [col for col, _ in spec.keys]
            if "user_id" not in cols:
                continue
            moved = ", ".join("0" if col == "user_id" else col for col in cols)
            cursor.execute(
                f"INSERT INTO {spec.table} ({', '.join(cols)}, n) "  # noqa: S608
                f"SELECT {moved}, n FROM {spec.table} WHERE user_id = %s AND true "
                f"ON CONFLICT ({', '.join(cols)}) DO UPDATE SET n = {spec.table}.n + excluded.n",
                [user_id],
            )
            cursor.execute(f"DELETE FROM {spec.table} WHERE user_id = %s", [user_id])  # noqa: S608
