"""Logging a batch of calls recorded offline, with the rules of one call, in one INSERT."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

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
from ..sql.writes import (
    BatchRow,
    StoredCall,
    caller_places_left,
    calls_insert_many,
    calls_with_keys,
    per_office_lock,
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


def _parsed_items(items: list, results: list) -> dict:
    """Each item parsed, by index; one the clock refuses is that item's error (in `results`).

    An item the schema refuses (a field missing or malformed) refuses the whole batch, as one
    ValidationError naming `calls.<index>.<field>`: the client sent something other than what the
    schema allows, and nothing is logged.
    """
    parsed, malformed = {}, {}
    for index, raw in enumerate(items):
        try:
            parsed[index] = parse_batch_item(raw)
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            malformed.update({f"calls.{index}.{name}": messages for name, messages in fields.items()})
        except ApplicationError as exc:
            results[index] = BatchResult("error", error=_item_error(exc))
    if malformed:
        raise ValidationError(malformed)
    return parsed


@counted_batch
def call_log_create_batch(*, user, items: list) -> list[BatchResult]:
    """Log calls recorded offline, with one result per item in order. Safe to send again.

    Every item needs its own idempotency key: an item whose key this user already used with
    the same call is a "duplicate" (pointing at the first row), with another call an error.
    Items are checked with the rules of call_log_create (call_rule_violation) against rows
    loaded once for the whole batch, a few queries whatever its size; the valid new items are
    written by one INSERT in one transaction. An item the schema refuses refuses the batch (a
    ValidationError, nothing logged); an item a rule refuses never stops the others: an item past
    the per-office limit (max_calls_per_office(), earlier items of the batch included) is an
    error for that item only.
    """
    results: list[BatchResult | None] = [None] * len(items)
    parsed = _parsed_items(items, results)
    loaded = _Loaded.load(user=user, items=parsed.values())

    # The per-office limit's locks, then the caller's stored keys and places left, then the
    # INSERT, in one transaction: a single call or another batch racing this one waits for it,
    # then counts its rows (tallies.sql.writes.per_office_lock).
    with transaction.atomic(savepoint=False):
        per_office_lock(per_office_lock_keys(user_id=user.pk, pairs={(i.action, i.office) for i in parsed.values()}))
        pending = _Pending.start(loaded, keys={i.idempotency_key for i in parsed.values()})
        for index, item in parsed.items():
            results[index] = pending.add(index, item)
        inserted = pending.insert()
    pending.settle(results, inserted)
    return results


class _Target(NamedTuple):
    """A checked (campaign, action, office, outcome): the rows, and the item error when the rules refuse it."""

    campaign: Campaign | None
    action: Action | None
    office: Office | None
    error: dict | None


@dataclass
class _Loaded:
    """What a batch's items are checked against, loaded once for the whole batch (a few queries whatever its size)."""

    user: object
    campaigns: dict[str, Campaign]
    actions: dict[int, Action]
    offices: dict[int, Office]
    phones: set[tuple[int, int]]  # (contact point, office) of the numbers said
    fixed_targets: set[tuple[int, int]]  # (action, office)
    member_of: set[int]
    first_chapter: int | None
    holders: dict[int, int]  # office -> person
    # Looked up only when an item needs them, once: the caller's offices, and per action with a
    # target list the members this caller may call.
    mine: list = field(default_factory=list)
    list_members: dict[int, frozenset[int] | None] = field(default_factory=dict)

    @classmethod
    def load(cls, *, user, items) -> _Loaded:
        actions = Action.objects.in_bulk({i.action for i in items})
        offices = Office.objects.in_bulk({i.office for i in items})
        chapters = list(first_chapter_query(user_id=user.pk).values_list("chapter_id", flat=True))
        holders: dict[int, int] = {}
        # The same ordering as the one-call path, the first term per office wins.
        for office_id, person_id in current_holder_query(office_id__in=offices).values_list("office_id", "person_id"):
            holders.setdefault(office_id, person_id)
        return cls(
            user=user,
            campaigns={c.slug: c for c in Campaign.objects.filter(slug__in={i.campaign for i in items})},
            actions=actions,
            offices=offices,
            # The numbers said, each checked against its office: one query for the batch.
            phones=set(
                ContactPoint.objects.filter(
                    pk__in={i.contact_point for i in items if i.contact_point}, kind=ContactPoint.Kind.PHONE
                ).values_list("pk", "office_id")
            ),
            fixed_targets=set(
                Action.target_offices.through.objects.filter(action_id__in=actions).values_list(
                    "action_id", "office_id"
                )
            ),
            member_of=set(chapters),
            first_chapter=chapters[0] if chapters else None,
            holders=holders,
        )

    def caller_offices(self):
        if not self.mine:
            self.mine.append(caller_office_ids(user=self.user))
        return self.mine[0]

    def list_offices_for(self, action):
        def lookup():
            if action.pk not in self.list_members:
                self.list_members[action.pk] = caller_list_office_ids(user=self.user, action=action)
            return self.list_members[action.pk]

        return lookup

    def check_target(self, item) -> _Target:
        """The rules of call_rule_violation for an item to this target, with the batch's own lookups."""
        campaign = self.campaigns.get(item.campaign)
        action = self.actions.get(item.action)
        office = self.offices.get(item.office)
        if campaign is None:
            violation = CampaignNotFound()
        elif action is None or action.campaign_id != campaign.id:
            violation = CallRefused("unknown_action", {"action": _("No such action in this campaign.")})
        elif office is None:
            violation = CallRefused("unknown_office", {"office": _("No such office.")})
        else:
            violation = call_rule_violation(
                campaign=campaign,
                action=action,
                office=office,
                outcome=item.outcome,
                note=item.note,
                is_fixed_target=lambda: (action.id, office.id) in self.fixed_targets,
                is_member=lambda: campaign.chapter_id in self.member_of,
                caller_offices=self.caller_offices,
                list_offices=self.list_offices_for(action),
            )
        return _Target(campaign, action, office, None if violation is None else _item_error(violation))


class _NewRow(NamedTuple):
    index: int  # of the first item with this key
    row: BatchRow


@dataclass
class _Pending:
    """The batch's new rows, built item by item inside the transaction, and what each item's fate depends on.

    `stored`: the calls under the keys this caller used before (a batch sent
    again: duplicates, which take nothing from the limit). `places`: the places the per-office
    limit leaves per (action, office), read with the single call's rule (caller_places_left)
    and taken by this batch's items as they come.
    """

    loaded: _Loaded
    now: datetime
    stored: dict[str, StoredCall]
    places: dict[tuple[int, int], int]
    new_rows: dict[str, _NewRow] = field(default_factory=dict)
    repeats: list[tuple[int, str]] = field(default_factory=list)  # later items repeating a key of this batch
    # The items of a batch mostly repeat a few (campaign, action, office, outcome): each such
    # target is checked once, and each distinct call hashed once.
    checked: dict[tuple, _Target] = field(default_factory=dict)
    hashes: dict[tuple, str] = field(default_factory=dict)

    @classmethod
    def start(cls, loaded: _Loaded, *, keys: set[str]) -> _Pending:
        user_id = loaded.user.pk
        now = timezone.now()  # after the locks: a call that waited is counted from when it is written
        return cls(
            loaded=loaded,
            now=now,
            stored=calls_with_keys(user_id=user_id, keys=keys),
            places=caller_places_left(
                user_id=user_id, window_start=per_office_window_start(now), max_calls=max_calls_per_office()
            ),
        )

    def add(self, index: int, item) -> BatchResult | None:
        """The item's result when it is settled now; None when it waits for the INSERT (a new row or a repeat)."""
        target = self._target(item)
        error = target.error or self._phone_error(item, target.office)
        if error is not None:
            return BatchResult("error", error=error)
        request_hash = self._request_hash(item, target)
        key = item.idempotency_key
        if key in self.new_rows:
            if self.new_rows[key].row.request_hash != request_hash:
                return BatchResult("error", error=_item_error(IdempotencyKeyReused()))
            self.repeats.append((index, key))
            return None
        if key in self.stored:
            return _replayed(self.stored[key], request_hash)
        if not self._take_place((target.action.id, target.office.id)):
            return BatchResult("error", error=_item_error(TooManyCallsToOffice()))
        self.new_rows[key] = _NewRow(index, self._row(item, target, request_hash))
        return None

    def _target(self, item) -> _Target:
        target = (item.campaign, item.action, item.office, item.outcome, len(item.note) > MAX_NOTE_LENGTH)
        if target not in self.checked:
            self.checked[target] = self.loaded.check_target(item)
        return self.checked[target]

    def _phone_error(self, item, office) -> dict | None:
        if not item.contact_point or (item.contact_point, office.id) in self.loaded.phones:
            return None
        return _item_error(
            CallRefused("unknown_contact_point", {"contact_point": _("That number is not one of this office's.")})
        )

    def _request_hash(self, item, target: _Target) -> str:
        call = (target.campaign.id, target.action.id, target.office.id, item.outcome, item.note)
        if call not in self.hashes:
            self.hashes[call] = call_request_hash(
                campaign_id=target.campaign.id,
                action_id=target.action.id,
                office_id=target.office.id,
                outcome=item.outcome,
                note=item.note,
            )
        return self.hashes[call]

    def _take_place(self, pair: tuple[int, int]) -> bool:
        """One of the pair's places for this item; False when the per-office limit has none left."""
        left = self.places.get(pair, max_calls_per_office())
        if left <= 0:
            return False
        self.places[pair] = left - 1
        return True

    def _row(self, item, target: _Target, request_hash: str) -> BatchRow:
        campaign, office = target.campaign, target.office
        return BatchRow(
            user_id=self.loaded.user.pk,
            campaign_id=campaign.id,
            action_id=target.action.id,
            office_id=office.id,
            person_id=self.loaded.holders.get(office.id),
            outcome=item.outcome,
            chapter_id=campaign.chapter_id if campaign.chapter_id is not None else self.loaded.first_chapter,
            source=Source.BATCH.value,
            idempotency_key=item.idempotency_key,
            request_hash=request_hash,
            client_timestamp=item.client_timestamp,
            created_at=self.now,
            note=item.note,
            contact_point_id=item.contact_point,
            share_note=item.share_note,
            sign_note=item.sign_note,
        )

    def insert(self) -> dict[str, int]:
        """Write the new rows in one INSERT; {key: id} of those written."""
        if not self.new_rows:
            return {}
        # A key stored meanwhile by a concurrent request inserts nothing (ON CONFLICT DO NOTHING);
        # settle() then looks it up to tell a duplicate (same call) from a reused key (another call).
        inserted = calls_insert_many([new.row for new in self.new_rows.values()])
        if inserted:
            transaction.on_commit(rollup_nudge)
        return inserted

    def settle(self, results: list, inserted: dict[str, int]) -> None:
        """Fill in the results of the items that waited for the INSERT: its rows, then the repeats of their keys."""
        if self.new_rows:
            lost = [key for key in self.new_rows if key not in inserted]
            existing = calls_with_keys(user_id=self.loaded.user.pk, keys=lost)
            for key, new in self.new_rows.items():
                if key in inserted:
                    results[new.index] = BatchResult("created", id=inserted[key])
                else:
                    results[new.index] = _replayed(existing.get(key), new.row.request_hash)
        for index, key in self.repeats:
            first = results[self.new_rows[key].index]
            results[index] = (
                BatchResult("duplicate", id=first.id)
                if first.status != "error"
                else BatchResult("error", error=first.error)
            )


def _replayed(stored: StoredCall | None, request_hash: str) -> BatchResult:
    """An item whose key was stored before: a duplicate of the same call, else the key reused for another."""
    if stored is not None and stored.request_hash == request_hash:
        return BatchResult("duplicate", id=stored.id)
    return BatchResult("error", error=_item_error(IdempotencyKeyReused()))
