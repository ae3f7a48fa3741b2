"""The tallies' hand-written SQL for writes: the call INSERTs and forgetting an account's tallies.

Table names come from the models; values travel as parameters."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from datetime import datetime
from typing import NamedTuple

from django.db import connection

from advocacy.db import prepared_cursor

from ..models import CallLog
from .rollup import TallySpec

CONFLICT_TARGET = "(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL"  # calllog_unique_idempotency_key


# A caller's own calls since a moment (named params: user_id, window_start), through the
# (user, created_at) index whatever the planner's statistics say: the row comparison only an
# index led by (user_id, created_at) can serve, where a bare `created_at > %s` is also a qual
# for a full scan of the (campaign, created_at) and (chapter, created_at) indexes, which a plan
# made on a young table took (tests/tallies/test_per_office_limit_plan.py).
CALLER_WINDOW = "c.user_id = %(user_id)s AND (c.user_id, c.created_at) > (%(user_id)s, %(window_start)s)"
# The per-office limit, one rule for the single call and the batch: the places a caller has left
# for an (action, office) are `max_calls` less the weights of their calls to it in the window,
# summed over `recent` (_caller_recent_calls). An undo row (weight -1, the created_at of the call
# it undoes) cancels its call, so an undone call frees its place on every path that logs.
PLACES_LEFT = "%(max_calls)s - COALESCE(SUM(recent.weight), 0)"


def _caller_recent_calls(table: str, vendor: str) -> str:
    """(action_id, office_id, weight) of the caller's calls of the window, read through the (user, created_at) index.

    The OFFSET fence keeps the action and office out of the scan: with them in, a plan may AND in
    the single-column office index, which holds every call to the office (on a national call
    day, most of the table).
    """
    fence = "OFFSET 0" if vendor == "postgresql" else "LIMIT -1 OFFSET 0"  # SQLite has no OFFSET without LIMIT
    return f"SELECT c.action_id, c.office_id, c.weight FROM {table} c WHERE {CALLER_WINDOW} {fence}"  # noqa: S608


def per_office_lock_keys(*, user_id: int, pairs) -> list[int]:
    """The advisory lock keys of a caller's (action_id, office_id) pairs, sorted (the order every path takes them in).

    A 64-bit hash of the three ids: a collision only makes two unrelated callers wait on each
    other for one INSERT, never lets a call through.
    """
    keys = set()
    for action_id, office_id in pairs:
        digest = hashlib.blake2b(f"calls:{user_id}:{action_id}:{office_id}".encode(), digest_size=8).digest()
        keys.add(int.from_bytes(digest, "big", signed=True))
    return sorted(keys)


_LOCK_ONE = "SELECT pg_advisory_xact_lock(%s::bigint)"
# unnest keeps the array's (sorted) order, so the locks are taken in that order.
_LOCK_MANY = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k"


def per_office_lock(keys: list[int]) -> None:
    """Hold the per-office limit's locks until the surrounding transaction ends (PostgreSQL).

    Why a lock: the limit counts the caller's calls in the INSERT, and under READ COMMITTED two
    INSERTs racing in the same instant each count the rows committed before they started, so
    both pass (30 simultaneous calls stored 4 instead of 3). With the lock taken in an earlier
    statement of the same transaction, the next INSERT for the same caller, action and office
    starts after the previous one committed, and its count sees it. Keys are taken in sorted
    order, so a batch and single calls never deadlock. The single call takes them inside its
    function (call_insert_function). SQLite runs one writer at a time: no lock.
    """
    if not keys or connection.vendor != "postgresql":
        return
    with prepared_cursor() as cursor:
        if len(keys) == 1:
            cursor.execute(_LOCK_ONE, keys)
        else:
            cursor.execute(_LOCK_MANY, [keys])


# The single call's parameters, in the order of the PostgreSQL function's arguments, with their types.
CALL_PARAMS = (
    ("lock_keys", "bigint[]"),
    ("user_id", "bigint"),
    ("campaign_id", "bigint"),
    ("action_id", "bigint"),
    ("office_id", "bigint"),
    ("outcome", "text"),
    ("source", "text"),
    ("idempotency_key", "text"),
    ("request_hash", "text"),
    ("client_timestamp", "timestamptz"),
    ("created_at", "timestamptz"),
    ("note", "text"),
    ("contact_point_id", "bigint"),
    ("share_note", "boolean"),
    ("sign_note", "boolean"),
    ("chapter_id", "bigint"),
    ("today", "date"),
    ("window_start", "timestamptz"),
    ("max_calls", "integer"),
)


class CallInsertFunction(NamedTuple):
    """The single call's INSERT as a PostgreSQL function: its name, the DDL that defines it, the SELECT that calls it."""

    name: str
    create_sql: str
    call_sql: str


def call_insert_returning(
    *, holder_sql: str, first_chapter_sql: str, params: dict, lock_keys: list[int]
) -> tuple | None:
    """Insert one call unless its key was used or the per-office limit is reached.

    Returns (id, person_id, chapter_id, person name), or None when nothing was written. `params`
    names every value of CALL_PARAMS but the lock keys: the columns, `chapter_id` (None: the
    caller's first chapter, from first_chapter_sql), `today` (the holder's date), `window_start`
    and `max_calls` (the per-office limit). holder_sql and first_chapter_sql are the ORM-compiled
    lookups reading call_in; lock_keys are per_office_lock_keys'.

    PostgreSQL runs it as one statement, the function call_insert_function defines (created by
    `migrate`): the per-office lock, then the INSERT, in the statement's transaction or the
    caller's. SQLite runs the INSERT; it has one writer at a time and needs no lock.
    """
    with prepared_cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            cursor.execute(
                call_insert_function(holder_sql, first_chapter_sql).call_sql, {**params, "lock_keys": lock_keys}
            )
        else:
            cursor.execute(_call_insert_sql(holder_sql, first_chapter_sql, "sqlite"), params)
        return cursor.fetchone()


_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s")


@functools.lru_cache(maxsize=8)
def call_insert_function(holder_sql: str, first_chapter_sql: str) -> CallInsertFunction:
    """The PL/pgSQL function that takes the per-office lock, then runs the INSERT; one round trip a call.

    Why a function: the lock must be taken before the INSERT's snapshot, so that the INSERT counts
    a call committed while it waited (per_office_lock). As two statements (BEGIN, the lock, the
    INSERT, COMMIT in a pipeline) the transaction was a third of the web tier's time on a call
    day (bench/README.md). A VOLATILE function gives each of its statements a new snapshot: one
    statement from the client, the same rule inside. It is VOLATILE by default, and must stay so.

    Its name carries a hash of its definition, so code whose INSERT changed never calls a
    function an older `migrate` created; readiness (/readyz) reports a missing one. Older ones
    are left in place: processes still running the code before a deploy call them.
    """
    positions = {name: i for i, (name, _) in enumerate(CALL_PARAMS, start=1)}

    def argument(match):
        return "%" if match.group(1) is None else f"${positions[match.group(1)]}"

    insert = _PLACEHOLDER.sub(argument, _call_insert_sql(holder_sql, first_chapter_sql, "postgresql"))
    body = (
        "DECLARE lock_key bigint; BEGIN "
        # In the array's (sorted) order, as every path takes them: no deadlock.
        "FOREACH lock_key IN ARRAY $1 LOOP PERFORM pg_advisory_xact_lock(lock_key); END LOOP; "
        f"RETURN QUERY {insert}; END"
    )
    if "$call$" in body:
        raise ValueError("the call INSERT holds the function's quote tag")
    name = "tallies_call_insert_" + hashlib.sha256(body.encode()).hexdigest()[:16]
    arguments = ", ".join(sql_type for _, sql_type in CALL_PARAMS)
    create_sql = (
        f"CREATE OR REPLACE FUNCTION {name}({arguments}) "
        "RETURNS TABLE (out_id bigint, out_person_id bigint, out_chapter_id bigint, out_person_name text) "
        f"LANGUAGE plpgsql VOLATILE AS $call${body}$call$"
    )
    # Each value cast to its argument's type: one plan whatever is None, and no overload to pick.
    values = ", ".join(f"CAST(%({param})s AS {sql_type})" for param, sql_type in CALL_PARAMS)
    return CallInsertFunction(name, create_sql, f"SELECT * FROM {name}({values})")  # noqa: S608


def call_insert_function_define(function: CallInsertFunction, *, db) -> None:
    with db.cursor() as cursor:
        cursor.execute(function.create_sql)


def call_insert_function_defined(function: CallInsertFunction, *, db) -> bool:
    with db.cursor() as cursor:
        cursor.execute("SELECT to_regproc(%s) IS NOT NULL", [function.name])
        return cursor.fetchone()[0]


@functools.lru_cache(maxsize=8)
def _call_insert_sql(holder_sql: str, first_chapter_sql: str, vendor: str) -> str:
    from campaigns.models import Action
    from officials.models import Office, Person

    table = CallLog._meta.db_table
    person_table = Person._meta.db_table
    office_table = Office._meta.db_table
    action_table = Action._meta.db_table
    # On PostgreSQL a value that may be None has its type said (the function's arguments are typed).
    stamp = "CAST(%(client_timestamp)s AS timestamptz)" if vendor == "postgresql" else "%(client_timestamp)s"
    cp = "CAST(%(contact_point_id)s AS bigint)" if vendor == "postgresql" else "%(contact_point_id)s"
    return (
        f"INSERT INTO {table} (user_id, campaign_id, action_id, office_id, outcome, source, idempotency_key, "  # noqa: S608
        f"request_hash, client_timestamp, created_at, note, contact_point_id, share_note, sign_note, "
        f"person_id, chapter_id) "
        f"SELECT %(user_id)s, %(campaign_id)s, %(action_id)s, %(office_id)s, %(outcome)s, %(source)s, "
        f"%(idempotency_key)s, %(request_hash)s, {stamp}, %(created_at)s, %(note)s, {cp}, %(share_note)s, "
        # The chapter: the campaign's, else the caller's first (read only when there is none).
        f"%(sign_note)s, {holder_sql}, COALESCE(%(chapter_id)s, {first_chapter_sql}) "
        f"FROM (SELECT %(user_id)s AS user_id, %(office_id)s AS office_id, %(today)s AS today) AS call_in "
        # The office, action and campaign may come from a process cache (the fast path's): a row
        # naming one the database no longer has is not written (no foreign-key error); the
        # caller then reads the database to say which (tallies.services.calls).
        f"WHERE EXISTS (SELECT 1 FROM {office_table} o WHERE o.id = call_in.office_id) "
        f"AND EXISTS (SELECT 1 FROM {action_table} a WHERE a.id = %(action_id)s AND a.campaign_id = %(campaign_id)s) "
        # The per-office limit (PLACES_LEFT) rides in the same statement: no extra round trip on
        # the hot path. It reads the caller's own calls of the window, then keeps those to this
        # office for this action.
        f"AND (SELECT {PLACES_LEFT} FROM ({_caller_recent_calls(table, vendor)}) AS recent "
        f"WHERE recent.action_id = %(action_id)s AND recent.office_id = %(office_id)s) > 0 "
        f"ON CONFLICT {CONFLICT_TARGET} DO NOTHING "
        f"RETURNING id, person_id, chapter_id, "
        f"CAST((SELECT p.name FROM {person_table} p WHERE p.id = {table}.person_id) AS text)"
    )


class BatchRow(NamedTuple):
    """One call of the batch INSERT: its fields are the statement's columns, in order."""

    user_id: int
    campaign_id: int
    action_id: int
    office_id: int
    person_id: int | None
    outcome: str
    chapter_id: int | None
    source: str
    idempotency_key: str
    request_hash: str
    client_timestamp: datetime | None
    created_at: datetime
    note: str
    contact_point_id: int | None
    share_note: bool
    sign_note: bool


# Each column's PostgreSQL type, for json_to_recordset; by name, so BatchRow alone keeps the order.
_BATCH_TYPES = {
    "user_id": "bigint",
    "campaign_id": "bigint",
    "action_id": "bigint",
    "office_id": "bigint",
    "person_id": "bigint",
    "outcome": "text",
    "chapter_id": "bigint",
    "source": "text",
    "idempotency_key": "text",
    "request_hash": "text",
    "client_timestamp": "timestamptz",
    "created_at": "timestamptz",
    "note": "text",
    "contact_point_id": "bigint",
    "share_note": "boolean",
    "sign_note": "boolean",
}
BATCH_COLUMNS = tuple((name, _BATCH_TYPES[name]) for name in BatchRow._fields)
_DATETIME_COLUMNS = tuple(i for i, (_, sql_type) in enumerate(BATCH_COLUMNS) if sql_type == "timestamptz")


def calls_insert_many(rows: list[BatchRow]) -> dict[str, int]:
    """One INSERT for every row; returns {idempotency_key: id} of the rows it wrote.

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


def caller_places_left(*, user_id: int, window_start, max_calls: int) -> dict[tuple[int, int], int]:
    """{(action_id, office_id): places left} for each pair the caller called in the window (the batch's limit).

    The same rule as the single call's INSERT (PLACES_LEFT); a pair not in the answer has all
    `max_calls` places.
    """
    recent = _caller_recent_calls(CallLog._meta.db_table, connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT recent.action_id, recent.office_id, {PLACES_LEFT} FROM ({recent}) AS recent "  # noqa: S608
            f"GROUP BY recent.action_id, recent.office_id",
            {
                "user_id": user_id,
                "window_start": connection.ops.adapt_datetimefield_value(window_start),
                "max_calls": max_calls,
            },
        )
        return {(action_id, office_id): left for action_id, office_id, left in cursor.fetchall()}


class StoredCall(NamedTuple):
    id: int
    request_hash: str


def calls_with_keys(*, user_id: int, keys) -> dict[str, StoredCall]:
    """{idempotency_key: StoredCall} of this caller's calls stored under any of these keys.

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
        return {key: StoredCall(pk, request_hash) for key, pk, request_hash in cursor.fetchall()}


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
