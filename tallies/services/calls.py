"""Logging one call: the one service the page, the API and its fast path call."""

from __future__ import annotations

from datetime import datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import BigIntegerField, DateField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from campaigns.models import Action, Campaign
from officials.models import ContactPoint, Office, Person, Term

from ..metrics import counted_call
from ..models import CallLog, Source
from ..sql.writes import (
    CallInsertFunction,
    call_insert_function,
    call_insert_function_define,
    call_insert_function_defined,
    call_insert_returning,
    per_office_lock_keys,
)
from .nudge import rollup_nudge
from .rules import (
    CallRefused,
    IdempotencyKeyReused,
    TooManyCallsToOffice,
    call_request_hash,
    call_rule_violation,
    caller_list_office_ids,
    caller_office_ids,
    first_chapter_query,
    fixed_target_office_ids,
    max_calls_per_office,
    per_office_retry_after,
    per_office_window_start,
)


@counted_call
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
    fixed_targets=None,
    contact_point_id: int | None = None,
    share_note: bool = False,
    sign_note: bool = False,
) -> tuple[CallLog, bool]:
    """Log one call. Returns (call, created).

    The one way a call is logged, by the page, the API and the batch upload. It is a single
    INSERT and never waits on Redis or Celery. The same idempotency key with the same call
    returns the first row (created=False); with a different call it raises IdempotencyKeyReused.
    The returned call has its person loaded (id and name), so a response needs no other query.
    `caller_offices`, when given, answers caller_office_ids(user=user) from a cache (the API's
    fast path keeps one per process, invalidated with the officials' lookup cache); likewise
    `fixed_targets`, when given, returns the ids of the action's fixed target offices.
    contact_point_id: the number dialled (one of the office's); share_note / sign_note: the
    caller's consent to show the note in office reports, and to sign it with first name and ZIP.
    """
    note = (note or "").strip()
    fixed_targets = fixed_targets or (lambda: fixed_target_office_ids(action=action))
    if contact_point_id is not None and not contact_point_is_office_phone(
        contact_point_id=contact_point_id, office_id=office.pk
    ):
        raise CallRefused("unknown_contact_point", {"contact_point": _("That number is not one of this office's.")})
    violation = call_rule_violation(
        campaign=campaign,
        action=action,
        office=office,
        outcome=outcome,
        note=note,
        is_fixed_target=lambda: office.pk in fixed_targets(),
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
        contact_point_id=contact_point_id,
        share_note=bool(share_note and note),
        # A signature only on a note the caller shares.
        sign_note=bool(sign_note and share_note and note),
    )
    # The per-office limit holds under concurrency: a lock per caller, action and office is taken
    # before the INSERT, in its transaction (tallies.sql.writes.call_insert_function).
    if _insert_one_returning(call, lock_keys=per_office_lock_keys(user_id=user.pk, pairs=[(action.pk, office.pk)])):
        transaction.on_commit(rollup_nudge)
        return call, True
    # Nothing written: the key was used before (a replay), or the per-office limit was reached.
    existing = None
    if idempotency_key:
        existing = CallLog.objects.select_related("person").filter(user=user, idempotency_key=idempotency_key).first()
    if existing is None:
        _targets_still_exist(campaign=campaign, action=action, office=office)
        raise TooManyCallsToOffice(retry_after=per_office_retry_after(user=user, action=action, office=office))
    if existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return existing, False


def _targets_still_exist(*, campaign, action, office) -> None:
    """Nothing was written: when it was because a target (read from a cache) is gone, say so as the API does."""
    if not Office.objects.filter(pk=office.pk).exists():
        raise CallRefused("unknown_office", {"office": _("No such office.")})
    if not Action.objects.filter(pk=action.pk, campaign_id=campaign.pk).exists():
        raise CallRefused("unknown_action", {"action": _("No such action in this campaign.")})


def contact_point_is_office_phone(*, contact_point_id, office_id: int) -> bool:
    """The number said with a call must be one of the called office's phones."""
    if type(contact_point_id) is not int or contact_point_id < 1:
        return False
    return ContactPoint.objects.filter(pk=contact_point_id, office_id=office_id, kind=ContactPoint.Kind.PHONE).exists()


# The two lookups inside the INSERT are the ORM's own querysets ("current holder": Term's
# current(); "first chapter": the caller's first membership), so they stay the one definition.
# Compiling them was a visible share of a logged call's CPU (bench/README.md has the figures), so
# each is compiled once per database, with
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


def _call_insert_function_for(db) -> CallInsertFunction:
    """The PostgreSQL function that logs one call on this database (tallies.sql.writes.call_insert_function)."""
    return call_insert_function(_subquery_sql("holder", db), _subquery_sql("first_chapter", db))


def call_insert_function_install(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create (or replace) the function that logs one call on PostgreSQL. `migrate` runs it (tallies.apps)."""
    db = connections[using]
    if db.vendor == "postgresql":
        call_insert_function_define(_call_insert_function_for(db), db=db)


def call_insert_function_installed(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database has the function this code logs calls with (for /readyz); always true off PostgreSQL."""
    db = connections[using]
    return db.vendor != "postgresql" or call_insert_function_defined(_call_insert_function_for(db), db=db)


def _insert_one_returning(call: CallLog, *, lock_keys: list[int]) -> bool:
    """One statement: the current holder and the caller's chapter are looked up inside the INSERT.

    A key already used makes it insert nothing (no exception, so no savepoint or transaction
    block is needed); the caller then reads the first call. The holder's name comes back with
    the row, so the response needs no query for the person.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` is a thread-local lookup
    ops = db.ops
    params = {
        "user_id": call.user_id,
        "campaign_id": call.campaign_id,
        "action_id": call.action_id,
        "office_id": call.office_id,
        "outcome": call.outcome,
        "source": call.source,
        "idempotency_key": call.idempotency_key,
        "request_hash": call.request_hash,
        "client_timestamp": ops.adapt_datetimefield_value(call.client_timestamp),
        "created_at": ops.adapt_datetimefield_value(call.created_at),
        "note": call.note,
        "contact_point_id": call.contact_point_id,
        "share_note": call.share_note,
        "sign_note": call.sign_note,
        "chapter_id": call.chapter_id,  # None: the caller's first chapter
        "today": ops.adapt_datefield_value(timezone.localdate()),
        "window_start": ops.adapt_datetimefield_value(per_office_window_start(call.created_at)),
        "max_calls": max_calls_per_office(),
    }
    row = call_insert_returning(
        holder_sql=_subquery_sql("holder", db),
        first_chapter_sql=_subquery_sql("first_chapter", db),
        params=params,
        lock_keys=lock_keys,
    )
    if row is None:
        return False
    call.pk, call.person_id, call.chapter_id, person_name = row
    call._state.adding = False
    call._state.db = db.alias
    if call.person_id is not None:
        # Only id and name are loaded; any other field is fetched if something reads it.
        call.person = Person.from_db(db.alias, ["id", "name"], [call.person_id, person_name])
    return True
