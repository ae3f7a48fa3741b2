import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from advocacy.api.exceptions import ApplicationError, UnprocessableError
from campaigns.models import Action, Campaign
from officials.models import Office, Person, Term
from officials.selectors import office_ids_for_caller

from .batch import MAX_NOTE_LENGTH, ItemError, parse_item
from .models import CallLog, Outcome, Source

logger = logging.getLogger(__name__)

# At most one rollup nudge per this many seconds, however many calls commit: at 1,000 calls/s
# the broker sees one message a second, not a thousand.
NUDGE_DEBOUNCE_SECONDS = 1
NUDGE_CACHE_KEY = "tallies:rollup-nudge"


_OUTCOMES = frozenset(Outcome.values)


CALLS_PER_OFFICE_WINDOW = timedelta(hours=24)


def max_calls_per_office() -> int:
    """How many calls one caller may log to one office for one action in any 24 hours (3)."""
    return settings.CALLS_PER_OFFICE_PER_DAY


class IdempotencyKeyReused(UnprocessableError):
    default_code = "idempotency_key_reused"
    default_detail = gettext_lazy("This Idempotency-Key was already used for a different call.")


class ZipCodeRequired(ApplicationError):
    default_code = "zip_code_required"
    default_detail = gettext_lazy(
        "Set your ZIP code on your profile first: calls to your own officials count only from their constituents."
    )


class TooManyCallsToOffice(ApplicationError):
    status_code = 429
    default_code = "too_many_calls_to_office"

    def __init__(self):
        super().__init__(
            _(
                "You have already logged %(count)s calls to this office for this action in the last "
                "24 hours; further calls are not counted."
            )
            % {"count": max_calls_per_office()}
        )


def caller_office_ids(*, user) -> frozenset[int] | None:
    """The offices the caller is a constituent of, from the ZIP and district on their profile (None: no ZIP)."""
    return office_ids_for_caller(
        zip_code=getattr(user, "zip_code", "") or "", district_ocd_id=getattr(user, "district_ocd_id", "") or ""
    )


def _request_hash(*, campaign_id, action_id, office_id, outcome, note) -> str:
    material = f"{campaign_id}|{action_id}|{office_id}|{outcome}|{note}"
    return hashlib.sha256(material.encode()).hexdigest()


def caller_chapter_id(*, user, campaign: Campaign) -> int | None:
    """The chapter a call counts for: the campaign's own, else the caller's first chapter."""
    if campaign.chapter_id is not None:
        return campaign.chapter_id
    return _first_chapter_query(user_id=user.pk).values_list("chapter_id", flat=True).first()


def _first_chapter_query(*, user_id):
    return Membership.objects.filter(user_id=user_id).order_by("joined_at", "id")


def _current_holder_query(**filters):
    """Current terms, newest start first (Term's ordering): the first one per office is its holder."""
    return Term.objects.current().filter(**filters)


def call_rule_violation(
    *,
    campaign: Campaign,
    action: Action,
    office: Office,
    outcome: str,
    note: str,
    is_fixed_target,
    is_member,
    caller_offices,
) -> Exception | None:
    """The rules every logged call obeys, or None. Shared by call_log_create and call_log_create_batch.

    `is_fixed_target()`, `is_member()` and `caller_offices()` are callables so that one call
    queries only when a rule needs it and a batch answers from what it loaded once. A fixed
    target (the Department of Justice) is open to everyone; an office targeted by role only to
    its constituents: `caller_offices()` is the set of the caller's own offices, None when the
    caller has no ZIP. `note` is the stripped note. The per-office limit is checked where the
    call is written (it needs the calls already stored).
    """
    if action.campaign_id != campaign.pk:
        return ValidationError({"action": _("This action belongs to another campaign.")})
    # Another chapter's campaign, or a draft nobody may call yet, answers like a missing one.
    if campaign.chapter_id is not None and not is_member():
        return Http404(_("No such campaign."))
    if campaign.status == Campaign.Status.DRAFT and campaign.chapter_id is None:
        return Http404(_("No such campaign."))
    now = timezone.now()
    if (
        campaign.status != Campaign.Status.ACTIVE
        or (campaign.starts_at is not None and campaign.starts_at > now)
        or (campaign.ends_at is not None and campaign.ends_at <= now)
    ):
        return ValidationError({"campaign": _("This campaign is not accepting calls.")})
    if outcome not in _OUTCOMES:
        return ValidationError({"outcome": _("Unknown outcome %(outcome)r.") % {"outcome": outcome}})
    if office.role in action.target_roles:
        mine = caller_offices()
        if (mine is None or office.pk not in mine) and not is_fixed_target():
            if mine is None:
                return ZipCodeRequired()
            return ValidationError(
                {
                    "office": _(
                        "This office is not one of your officials for the ZIP code on your profile: "
                        "calls count only from an office's constituents."
                    )
                }
            )
    elif not is_fixed_target():
        return ValidationError({"office": _("This office is not a target of this action.")})
    if len(note) > MAX_NOTE_LENGTH:
        return ValidationError({"note": _("Keep the note under 1,000 characters.")})
    return None


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
    )
    if violation is not None:
        raise violation

    request_hash = _request_hash(
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
    if _has_insert_returning():
        created = _insert_one_returning(call)
    else:
        created = _insert_one_portable(call)
    if created:
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


def _per_office_window_start(now: datetime) -> datetime:
    return now - CALLS_PER_OFFICE_WINDOW


def _has_insert_returning() -> bool:
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING: PostgreSQL, and SQLite from 3.35."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35)


_CONFLICT_TARGET = "(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL"  # calllog_unique_idempotency_key


# Compiling the two subqueries through the ORM cost ~10% of a logged call's CPU, so each is
# compiled once per database with stand-in values, whose slots are then filled per call. The
# querysets stay the one definition of "current holder" and "first chapter".
_STAND_IN_ID = -7_777_777_777
_STAND_IN_DAY = date(1901, 2, 3)
_compiled_subqueries: dict = {}


def _subquery_sql(kind: str, *, id_value: int) -> tuple[str, list]:
    key = (connection.alias, connection.vendor, kind)
    compiled = _compiled_subqueries.get(key)
    if compiled is None:
        if kind == "holder":
            queryset = Term.objects.current(on=_STAND_IN_DAY).filter(office_id=_STAND_IN_ID).values("person_id")
        else:
            queryset = _first_chapter_query(user_id=_STAND_IN_ID).values("chapter_id")
        sql, params = queryset[:1].query.get_compiler(connection=connection).as_sql()
        slots = []
        for param in params:
            if param == _STAND_IN_ID:
                slots.append(("id", None))
            elif param == _STAND_IN_DAY or param == str(_STAND_IN_DAY):
                slots.append(("day", type(param)))
            else:
                slots.append(("value", param))
        compiled = _compiled_subqueries[key] = (f"({sql})", slots)
    sql, slots = compiled
    today = timezone.localdate()
    params = []
    for slot, value in slots:
        if slot == "id":
            params.append(id_value)
        elif slot == "day":
            params.append(today if value is date else str(today))
        else:
            params.append(value)
    return sql, params


def _insert_one_returning(call: CallLog) -> bool:
    """One statement: the current holder and the caller's chapter are looked up inside the INSERT.

    A key already used makes it insert nothing (no exception, so no savepoint or transaction
    block is needed); the caller then reads the first call. The holder's name comes back with
    the row, so the response needs no query for the person.
    """
    ops = connection.ops
    holder_sql, holder_params = _subquery_sql("holder", id_value=call.office_id)
    if call.chapter_id is not None:
        chapter_sql, chapter_params = "%s", [call.chapter_id]
    else:
        chapter_sql, chapter_params = _subquery_sql("first_chapter", id_value=call.user_id)
    table = CallLog._meta.db_table
    person_table = Person._meta.db_table
    sql = (
        f"INSERT INTO {table} (user_id, campaign_id, action_id, office_id, outcome, source, idempotency_key, "  # noqa: S608
        f"request_hash, client_timestamp, created_at, note, person_id, chapter_id) "
        f"SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, {holder_sql}, {chapter_sql} "
        # The per-office limit rides in the same statement: no extra round trip on the hot path.
        f"WHERE (SELECT count(*) FROM {table} c WHERE c.user_id = %s AND c.action_id = %s AND c.office_id = %s "
        f"AND c.created_at > %s) < %s "
        f"ON CONFLICT {_CONFLICT_TARGET} DO NOTHING "
        f"RETURNING id, person_id, chapter_id, "
        f"(SELECT p.name FROM {person_table} p WHERE p.id = {table}.person_id)"
    )
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
        *holder_params,
        *chapter_params,
        call.user_id,
        call.action_id,
        call.office_id,
        ops.adapt_datetimefield_value(_per_office_window_start(call.created_at)),
        max_calls_per_office(),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    call.pk, call.person_id, call.chapter_id, person_name = row
    call._state.adding = False
    call._state.db = connection.alias
    if call.person_id is not None:
        # Only id and name are loaded; any other field is fetched if something reads it.
        call.person = Person.from_db(connection.alias, ["id", "name"], [call.person_id, person_name])
    return True


def _insert_one_portable(call: CallLog) -> bool:
    recent = CallLog.objects.filter(
        user_id=call.user_id,
        action_id=call.action_id,
        office_id=call.office_id,
        created_at__gt=_per_office_window_start(call.created_at),
    )
    if recent.count() >= max_calls_per_office():
        return False
    call.person_id = _current_holder_query(office_id=call.office_id).values_list("person_id", flat=True).first()
    if call.chapter_id is None:
        call.chapter_id = _first_chapter_query(user_id=call.user_id).values_list("chapter_id", flat=True).first()
    try:
        with transaction.atomic():
            call.save(force_insert=True)
    except IntegrityError:
        if not call.idempotency_key:
            raise
        return False
    return True


@dataclass(slots=True)
class BatchResult:
    """The fate of one item of a batch, in the order sent."""

    status: str  # "created", "duplicate" or "error"
    id: int | None = None
    error: dict | None = None  # {"code", "message", "fields"} as in the API's error shape


def _item_error(exc: Exception) -> dict:
    if isinstance(exc, ItemError):
        return {"code": exc.code, "message": exc.message, "fields": exc.fields}
    if isinstance(exc, Http404):
        return {"code": "not_found", "message": str(exc), "fields": {"campaign": [str(exc)]}}
    if isinstance(exc, PermissionDenied):
        return {"code": "permission_denied", "message": str(exc), "fields": {}}
    if isinstance(exc, ApplicationError):
        return {"code": exc.default_code, "message": str(exc.detail), "fields": {}}
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    message = next(iter(next(iter(fields.values()), exc.messages)), "This call is not valid.")
    return {"code": "invalid", "message": message, "fields": fields}


def call_log_create_batch(*, user, items: list) -> list[BatchResult]:
    """Log calls recorded offline, with one result per item in order. Safe to send again.

    Every item needs its own idempotency key: an item whose key this user already used with
    the same call is a "duplicate" (pointing at the first row), with another call an error.
    Items are checked with the rules of call_log_create (call_rule_violation) against rows
    loaded once for the whole batch, a few queries whatever its size; the valid new items are
    written by one INSERT in one transaction. A bad item never stops the others: an item past
    the per-office limit (max_calls_per_office(), earlier items of the batch included) is an
    error for that item only.
    """
    results: list[BatchResult | None] = [None] * len(items)
    parsed = {}
    for index, raw in enumerate(items):
        try:
            parsed[index] = parse_item(raw)
        except ItemError as exc:
            results[index] = BatchResult("error", error=_item_error(exc))

    values = parsed.values()
    campaigns = {c.slug: c for c in Campaign.objects.filter(slug__in={i.campaign for i in values})}
    actions = Action.objects.in_bulk({i.action for i in values})
    offices = Office.objects.in_bulk({i.office for i in values})
    fixed_targets = set(
        Action.target_offices.through.objects.filter(action_id__in=actions).values_list("action_id", "office_id")
    )
    chapters = list(_first_chapter_query(user_id=user.pk).values_list("chapter_id", flat=True))
    member_of = set(chapters)
    holders: dict[int, int] = {}
    # The same ordering as the one-call path, the first term per office wins.
    for office_id, person_id in _current_holder_query(office_id__in=offices).values_list("office_id", "person_id"):
        holders.setdefault(office_id, person_id)
    now = timezone.now()
    first_chapter = chapters[0] if chapters else None
    mine: list = []  # the caller's offices, looked up once when an item needs them

    def caller_offices():
        if not mine:
            mine.append(caller_office_ids(user=user))
        return mine[0]

    # Keys this caller used before (a batch sent again): duplicates, which take nothing from the limit.
    stored = {
        key: (pk, request_hash)
        for key, pk, request_hash in CallLog.objects.filter(
            user=user, idempotency_key__in={i.idempotency_key for i in values}
        ).values_list("idempotency_key", "id", "request_hash")
    }
    limit = max_calls_per_office()
    recent: dict[tuple[int, int], int] = {}
    for action_id, office_id in CallLog.objects.filter(
        user=user, office_id__in=offices, created_at__gt=_per_office_window_start(now)
    ).values_list("action_id", "office_id"):
        recent[action_id, office_id] = recent.get((action_id, office_id), 0) + 1
    new_rows: dict[str, tuple[int, tuple]] = {}  # key -> (index of its first item, row in _BATCH_COLUMNS order)
    repeats: list[tuple[int, str]] = []  # later items repeating a key first seen in this batch
    for index, item in parsed.items():
        campaign = campaigns.get(item.campaign)
        action = actions.get(item.action)
        office = offices.get(item.office)
        if campaign is None:
            violation = ItemError("not_found", "No such campaign.", {"campaign": ["No such campaign."]})
        elif action is None or action.campaign_id != campaign.pk:
            violation = ItemError("invalid", "No such action in this campaign.", {"action": ["No such action."]})
        elif office is None:
            violation = ItemError("invalid", "No such office.", {"office": ["No such office."]})
        else:
            violation = call_rule_violation(
                campaign=campaign,
                action=action,
                office=office,
                outcome=item.outcome,
                note=item.note,
                is_fixed_target=lambda a=action, o=office: (a.pk, o.pk) in fixed_targets,
                is_member=lambda c=campaign: c.chapter_id in member_of,
                caller_offices=caller_offices,
            )
        if violation is not None:
            results[index] = BatchResult("error", error=_item_error(violation))
            continue
        request_hash = _request_hash(
            campaign_id=campaign.pk, action_id=action.pk, office_id=office.pk, outcome=item.outcome, note=item.note
        )
        key = item.idempotency_key
        if key in new_rows:
            if new_rows[key][1][_HASH_COLUMN] == request_hash:
                repeats.append((index, key))
            else:
                results[index] = BatchResult("error", error=_item_error(IdempotencyKeyReused()))
            continue
        if key in stored:
            first_id, first_hash = stored[key]
            results[index] = (
                BatchResult("duplicate", id=first_id)
                if first_hash == request_hash
                else BatchResult("error", error=_item_error(IdempotencyKeyReused()))
            )
            continue
        if recent.get((action.pk, office.pk), 0) >= limit:
            results[index] = BatchResult("error", error=_item_error(TooManyCallsToOffice()))
            continue
        recent[action.pk, office.pk] = recent.get((action.pk, office.pk), 0) + 1
        new_rows[key] = (
            index,
            (
                user.pk,
                campaign.pk,
                action.pk,
                office.pk,
                holders.get(office.pk),
                item.outcome,
                campaign.chapter_id if campaign.chapter_id is not None else first_chapter,
                Source.BATCH.value,
                key,
                request_hash,
                item.client_timestamp,
                now,
                item.note,
            ),
        )

    if new_rows:
        # A key stored meanwhile by a concurrent request inserts nothing (ON CONFLICT DO NOTHING);
        # it is then looked up to tell a duplicate (same call) from a reused key (another call).
        with transaction.atomic():
            inserted = _insert_many([row for _, row in new_rows.values()])
            if inserted:
                transaction.on_commit(rollup_nudge)
        lost = [key for key in new_rows if key not in inserted]
        existing = {}
        if lost:
            existing = {
                key: (pk, request_hash)
                for key, pk, request_hash in CallLog.objects.filter(user=user, idempotency_key__in=lost).values_list(
                    "idempotency_key", "id", "request_hash"
                )
            }
        for key, (index, row) in new_rows.items():
            if key in inserted:
                results[index] = BatchResult("created", id=inserted[key])
            elif key in existing and existing[key][1] == row[_HASH_COLUMN]:
                results[index] = BatchResult("duplicate", id=existing[key][0])
            else:
                results[index] = BatchResult("error", error=_item_error(IdempotencyKeyReused()))
    for index, key in repeats:
        first = results[new_rows[key][0]]
        results[index] = (
            BatchResult("duplicate", id=first.id)
            if first.status != "error"
            else BatchResult("error", error=first.error)
        )
    return results


_BATCH_COLUMNS = (
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
)
_HASH_COLUMN = 9
_DATETIME_COLUMNS = (10, 11)


def _insert_many(rows: list[tuple]) -> dict[str, int]:
    """One INSERT for every row; returns {idempotency_key: id} of the rows it wrote.

    A key used before, or meanwhile by a concurrent request, is skipped (ON CONFLICT DO NOTHING)
    rather than failing the whole batch. PostgreSQL gets the rows as one JSON parameter
    (json_to_recordset): json.dumps is C, where adapting 13,000 parameters one by one costs
    more than the INSERT. SQLite gets a VALUES list.
    """
    table = CallLog._meta.db_table
    columns = ", ".join(name for name, _ in _BATCH_COLUMNS)
    tail = f"ON CONFLICT {_CONFLICT_TARGET} DO NOTHING RETURNING idempotency_key, id"
    if connection.vendor == "postgresql":
        names = [name for name, _ in _BATCH_COLUMNS]
        payload = json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=_json_datetime)
        record = ", ".join(f"{name} {sql_type}" for name, sql_type in _BATCH_COLUMNS)
        sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM json_to_recordset(%s::json) AS r({record}) {tail}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [payload])
            return dict(cursor.fetchall())
    if _has_insert_returning():
        adapt = connection.ops.adapt_datetimefield_value
        # SQLite allows 32,766 parameters a statement: 13 columns x 1,000 rows fits.
        placeholders = "(" + ", ".join(["%s"] * len(_BATCH_COLUMNS)) + ")"
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(rows))} {tail}"  # noqa: S608
        params = []
        for row in rows:
            params.extend(adapt(v) if i in _DATETIME_COLUMNS else v for i, v in enumerate(row))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())
    inserted = {}
    for row in rows:  # an old SQLite: one savepoint a row, still one transaction
        call = CallLog(**dict(zip((name for name, _ in _BATCH_COLUMNS), row, strict=True)))
        if _insert_one_portable(call):
            inserted[call.idempotency_key] = call.pk
    return inserted


def _json_datetime(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_nudge_lock = threading.Lock()
_last_local_nudge = -float("inf")  # time.monotonic() of this process's last nudge


def rollup_nudge() -> None:
    """Wake the rollup soon after calls commit. Best effort: never raises, never blocks for long.

    Runs after the call's transaction has committed. The beat runs the rollup every few seconds
    anyway and dashboards add the live tail, so a nudge that is skipped (Redis down, debounced)
    delays nothing a reader can see. Each process first debounces on its own monotonic clock, so
    at 1,000 calls/s Redis sees one `add` a second per process instead of one per call; the
    shared cache key then debounces across processes. The cache and the broker share Redis, so
    when the key cannot be written (timeouts of 0.5 s) the message is not even tried. With eager
    Celery (tests, no broker) there is no traffic to save and the local debounce is skipped, so
    each test sees its own nudge.
    """
    global _last_local_nudge  # noqa: PLW0603 (one timestamp per process, by design)
    from django.core.cache import cache

    from advocacy.cache import cache_available

    from .tasks import rollup_calls_task

    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        now = time.monotonic()
        with _nudge_lock:
            if now - _last_local_nudge < NUDGE_DEBOUNCE_SECONDS:
                return
            _last_local_nudge = now
    try:
        if not cache.add(NUDGE_CACHE_KEY, 1, timeout=NUDGE_DEBOUNCE_SECONDS) or not cache_available():
            return
        rollup_calls_task.apply_async(retry=False, expires=30)
    except Exception:  # the call is logged; a missed nudge is caught up by the beat
        logger.warning("could not nudge the tally rollup", exc_info=True)


def tally_user_forget(*, user_id: int) -> None:
    """Move a deleted account's tally rows to user 0, as CallLog's SET_NULL does to its calls.

    Runs inside the deletion's transaction (a pre_delete hook) and takes the rollup's mark row
    lock first, so no rollup runs between this move and the SET_NULL of the calls: the member
    tallies keep matching a recount.
    """
    from django.db import connection

    from .models import RollupState
    from .rollups import STATE_NAME, _ensure_state_row, tally_specs

    _ensure_state_row()
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(name=STATE_NAME).first()
        with connection.cursor() as cursor:
            for spec in tally_specs():
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
