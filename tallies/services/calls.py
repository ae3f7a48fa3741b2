"""Logging one call: the one service the page, the API and its fast path call."""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import BigIntegerField, DateField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Membership
from campaigns.models import Action, Campaign
from officials.models import Office, Person, Term

from ..models import CallLog, Source
from ..sql.writes import call_insert_returning
from .nudge import rollup_nudge
from .rules import (
    IdempotencyKeyReused,
    TooManyCallsToOffice,
    call_request_hash,
    call_rule_violation,
    caller_list_office_ids,
    caller_office_ids,
    first_chapter_query,
    max_calls_per_office,
    per_office_window_start,
)


def call_log_create(
    *,
    user,
    campaign: Campaign,
    action: Action,
    office: Office,
    outcome: str,
    note: str = "",
    source: str = Source.WEB,
    idempotency_key: str | None = None,
    client_timestamp: datetime | None = None,
    caller_offices=None,
) -> tuple[CallLog, bool]:
    """Log one call. Returns (call, created).

    The one way a call is logged, by the page, the API and the batch upload. It is a single
    INSERT and never waits on Redis or Celery. The same idempotency key with the same call
    returns the first row (created=False); with a different call it raises IdempotencyKeyReused.
    The returned call has its person loaded (id and name), so a response needs no other query.
    `caller_offices`, when given, answers caller_office_ids(user=user) from a cache (the API's
    fast path keeps one per process, invalidated with the officials' lookup cache).
    """
    note = (note or "").strip()
    violation = call_rule_violation(
        campaign=campaign,
        action=action,
        office=office,
        outcome=outcome,
        note=note,
        is_fixed_target=lambda: action.target_offices.filter(pk=office.pk).exists(),
        is_member=lambda: Membership.objects.filter(user=user, chapter_id=campaign.chapter_id).exists(),
        caller_offices=caller_offices or (lambda: caller_office_ids(user=user)),
        list_offices=lambda: caller_list_office_ids(user=user, action=action),
    )
    if violation is not None:
        raise violation

    request_hash = call_request_hash(
        campaign_id=campaign.pk, action_id=action.pk, office_id=office.pk, outcome=outcome, note=note
    )
    call = CallLog(
        user=user,
        campaign=campaign,
        action=action,
        office=office,
        outcome=outcome,
        chapter_id=campaign.chapter_id,
        source=source,
        idempotency_key=idempotency_key or None,
        request_hash=request_hash,
        client_timestamp=client_timestamp,
        created_at=timezone.now(),
        note=note,
    )
    if _insert_one_returning(call):
        transaction.on_commit(rollup_nudge)
        return call, True
    # Nothing written: the key was used before (a replay), or the per-office limit was reached.
    existing = None
    if idempotency_key:
        existing = CallLog.objects.select_related("person").filter(user=user, idempotency_key=idempotency_key).first()
    if existing is None:
        raise TooManyCallsToOffice()
    if existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return existing, False


# The two lookups inside the INSERT are the ORM's own querysets ("current holder": Term's
# current(); "first chapter": the caller's first membership), so they stay the one definition.
# Compiling them cost ~10% of a logged call's CPU, so each is compiled once per database, with
# its inputs read from the statement's one-row `call_in` table rather than from parameters.
_compiled_subqueries: dict = {}


def _subquery_sql(kind: str, db) -> str:
    key = (db.alias, db.vendor, kind)
    sql = _compiled_subqueries.get(key)
    if sql is None:
        if kind == "holder":
            queryset = (
                Term.objects.current(on=RawSQL("call_in.today", (), output_field=DateField()))
                .filter(office_id=RawSQL("call_in.office_id", (), output_field=BigIntegerField()))
                .values("person_id")
            )
        else:
            queryset = first_chapter_query(
                user_id=RawSQL("call_in.user_id", (), output_field=BigIntegerField())
            ).values("chapter_id")
        sql, params = queryset[:1].query.get_compiler(connection=db).as_sql()
        if params:  # every input comes from call_in; a constant parameter would need a slot
            raise ValueError(f"the {kind} lookup compiled with parameters: {params!r}")
        sql = _compiled_subqueries[key] = f"({sql})"
    return sql


def _insert_one_returning(call: CallLog) -> bool:
    """One statement: the current holder and the caller's chapter are looked up inside the INSERT.

    A key already used makes it insert nothing (no exception, so no savepoint or transaction
    block is needed); the caller then reads the first call. The holder's name comes back with
    the row, so the response needs no query for the person.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local lookup
    ops = db.ops
    holder_sql = _subquery_sql("holder", db)
    if call.chapter_id is not None:
        chapter_sql, chapter_params = "%s", [call.chapter_id]
    else:
        chapter_sql, chapter_params = _subquery_sql("first_chapter", db), []
    params = [
        call.user_id,
        call.campaign_id,
        call.action_id,
        call.office_id,
        call.outcome,
        call.source,
        call.idempotency_key,
        call.request_hash,
        ops.adapt_datetimefield_value(call.client_timestamp),
        ops.adapt_datetimefield_value(call.created_at),
        call.note,
        *chapter_params,
        call.user_id,
        call.office_id,
        ops.adapt_datefield_value(timezone.localdate()),
        call.user_id,
        call.user_id,
        ops.adapt_datetimefield_value(per_office_window_start(call.created_at)),
        call.action_id,
        call.office_id,
        max_calls_per_office(),
    ]
    row = call_insert_returning(holder_sql=holder_sql, chapter_sql=chapter_sql, params=params)
    if row is None:
        return False
    call.pk, call.person_id, call.chapter_id, person_name = row
    call._state.adding = False
    call._state.db = db.alias
    if call.person_id is not None:
        # Only id and name are loaded; any other field is fetched if something reads it.
        call.person = Person.from_db(db.alias, ["id", "name"], [call.person_id, person_name])
    return True
