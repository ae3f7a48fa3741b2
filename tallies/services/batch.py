"""Logging a batch of calls recorded offline, with the rules of one call, in one INSERT."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.errors import ApplicationError, error_body
from campaigns.errors import CampaignNotFound
from campaigns.models import Action, Campaign
from officials.models import ContactPoint, Office

from ..call_input import MAX_NOTE_LENGTH, parse_batch_item
from ..metrics import counted_batch
from ..models import Source
from ..sql.writes import caller_calls_since, calls_insert_many, calls_with_keys, per_office_lock, per_office_lock_keys
from .nudge import rollup_nudge
from .rules import (
    IdempotencyKeyReused,
    TooManyCallsToOffice,
    call_request_hash,
    call_rule_violation,
    caller_list_office_ids,
    caller_office_ids,
    current_holder_query,
    first_chapter_query,
    max_calls_per_office,
    per_office_window_start,
)


@dataclass(slots=True)
class BatchResult:
    """The fate of one item of a batch, in the order sent."""

    status: str  # "created", "duplicate" or "error"
    id: int | None = None
    error: dict | None = None  # {"code", "message", "fields"} as in the API's error shape


def _item_error(exc: Exception) -> dict:
    """The item's error in the API's shape and with the API's codes (a bad field is `validation_error`)."""
    if isinstance(exc, PermissionDenied):
        return error_body("permission_denied", exc, {})["error"]
    if isinstance(exc, ApplicationError):
        return error_body(exc.code, exc.message, exc.fields)["error"]
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    name, messages = next(iter(fields.items()))
    message = messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return error_body("validation_error", message, fields)["error"]


@counted_batch
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
            parsed[index] = parse_batch_item(raw)
        except ValidationError as exc:
            results[index] = BatchResult("error", error=_item_error(exc))

    values = parsed.values()
    campaigns = {c.slug: c for c in Campaign.objects.filter(slug__in={i.campaign for i in values})}
    actions = Action.objects.in_bulk({i.action for i in values})
    offices = Office.objects.in_bulk({i.office for i in values})
    # The numbers said, each checked against its office: one query for the batch.
    phones = set(
        ContactPoint.objects.filter(
            pk__in={i.contact_point for i in values if i.contact_point}, kind=ContactPoint.Kind.PHONE
        ).values_list("pk", "office_id")
    )
    fixed_targets = set(
        Action.target_offices.through.objects.filter(action_id__in=actions).values_list("action_id", "office_id")
    )
    chapters = list(first_chapter_query(user_id=user.pk).values_list("chapter_id", flat=True))
    member_of = set(chapters)
    holders: dict[int, int] = {}
    # The same ordering as the one-call path, the first term per office wins.
    for office_id, person_id in current_holder_query(office_id__in=offices).values_list("office_id", "person_id"):
        holders.setdefault(office_id, person_id)
    first_chapter = chapters[0] if chapters else None
    mine: list = []  # the caller's offices, looked up once when an item needs them

    def caller_offices():
        if not mine:
            mine.append(caller_office_ids(user=user))
        return mine[0]

    list_members: dict[int, frozenset[int] | None] = {}  # per action with a target list, looked up once

    def list_offices_for(action):
        def lookup():
            if action.pk not in list_members:
                list_members[action.pk] = caller_list_office_ids(user=user, action=action)
            return list_members[action.pk]

        return lookup

    # The per-office limit's locks, then the caller's recent calls, then the INSERT, in one
    # transaction: a single call or another batch racing this one waits for it, then counts its
    # rows (tallies.sql.writes.per_office_lock).
    with transaction.atomic(savepoint=False):
        per_office_lock(per_office_lock_keys(user_id=user.pk, pairs={(i.action, i.office) for i in values}))
        now = timezone.now()  # after the locks: a call that waited is counted from when it is written
        # Keys this caller used before (a batch sent again): duplicates, which take nothing from the limit.
        stored = calls_with_keys(user_id=user.pk, keys={i.idempotency_key for i in values})
        limit = max_calls_per_office()
        recent: dict[tuple[int, int], int] = {}
        # The caller's own calls of the window, not every call to these offices: a few rows, whatever
        # the offices' share of the table.
        # Weights: an undo row is -1, so an undone call frees its place.
        for action_id, office_id, weight in caller_calls_since(user_id=user.pk, start=per_office_window_start(now)):
            recent[action_id, office_id] = recent.get((action_id, office_id), 0) + weight
        new_rows: dict[str, tuple[int, tuple]] = {}  # key -> (index of its first item, row in BATCH_COLUMNS order)
        repeats: list[tuple[int, str]] = []  # later items repeating a key first seen in this batch
        # The items of a batch mostly repeat a few (campaign, action, office, outcome): each such
        # target is checked once, and each distinct call hashed once.
        checked: dict[tuple, tuple] = {}
        hashes: dict[tuple, str] = {}
        for index, item in parsed.items():
            target = (item.campaign, item.action, item.office, item.outcome, len(item.note) > MAX_NOTE_LENGTH)
            known = checked.get(target)
            if known is None:
                known = checked[target] = _check_target(
                    item,
                    campaigns=campaigns,
                    actions=actions,
                    offices=offices,
                    fixed_targets=fixed_targets,
                    member_of=member_of,
                    caller_offices=caller_offices,
                    list_offices_for=list_offices_for,
                )
            campaign, action, office, error = known
            if error is None and item.contact_point and (item.contact_point, office.id) not in phones:
                message = _("That number is not one of this office's.")
                error = error_body("validation_error", message, {"contact_point": [message]})["error"]
            if error is not None:
                results[index] = BatchResult("error", error=error)
                continue
            call = (campaign.id, action.id, office.id, item.outcome, item.note)
            request_hash = hashes.get(call)
            if request_hash is None:
                request_hash = hashes[call] = call_request_hash(
                    campaign_id=campaign.id,
                    action_id=action.id,
                    office_id=office.id,
                    outcome=item.outcome,
                    note=item.note,
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
            pair = (action.id, office.id)
            if recent.get(pair, 0) >= limit:
                results[index] = BatchResult("error", error=_item_error(TooManyCallsToOffice()))
                continue
            recent[pair] = recent.get(pair, 0) + 1
            new_rows[key] = (
                index,
                (
                    user.pk,
                    campaign.id,
                    action.id,
                    office.id,
                    holders.get(office.id),
                    item.outcome,
                    campaign.chapter_id if campaign.chapter_id is not None else first_chapter,
                    Source.BATCH.value,
                    key,
                    request_hash,
                    item.client_timestamp,
                    now,
                    item.note,
                    item.contact_point,
                    item.share_note,
                    item.sign_note,
                ),
            )

        inserted = {}
        if new_rows:
            # A key stored meanwhile by a concurrent request inserts nothing (ON CONFLICT DO NOTHING);
            # it is then looked up to tell a duplicate (same call) from a reused key (another call).
            inserted = calls_insert_many([row for _, row in new_rows.values()])
            if inserted:
                transaction.on_commit(rollup_nudge)
    if new_rows:
        lost = [key for key in new_rows if key not in inserted]
        existing = calls_with_keys(user_id=user.pk, keys=lost)
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


def _check_target(
    item, *, campaigns, actions, offices, fixed_targets, member_of, caller_offices, list_offices_for
) -> tuple:
    """(campaign, action, office, None) when an item to this target passes the rules, else (.., error dict)."""
    campaign = campaigns.get(item.campaign)
    action = actions.get(item.action)
    office = offices.get(item.office)
    if campaign is None:
        violation = CampaignNotFound()
    elif action is None or action.campaign_id != campaign.id:
        violation = ValidationError({"action": [_("No such action in this campaign.")]})
    elif office is None:
        violation = ValidationError({"office": [_("No such office.")]})
    else:
        violation = call_rule_violation(
            campaign=campaign,
            action=action,
            office=office,
            outcome=item.outcome,
            note=item.note,
            is_fixed_target=lambda: (action.id, office.id) in fixed_targets,
            is_member=lambda: campaign.chapter_id in member_of,
            caller_offices=caller_offices,
            list_offices=list_offices_for(action),
        )
    return campaign, action, office, None if violation is None else _item_error(violation)


_HASH_COLUMN = 9  # request_hash in tallies.sql.writes.BATCH_COLUMNS
