"""Parsing the items of a batch upload of calls logged offline.

A batch of 1,000 items must cost a few milliseconds of Python, so items are checked by hand
rather than by a DRF serializer per item (tens of microseconds a field). The shape is defined
once, by `tallies.api.serializers.BatchCallInputSerializer` (one call's input plus a required
idempotency key), which the OpenAPI schema shows; tests/tallies/test_batch_shape.py holds
parse_item to it, item by item.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import Outcome

MAX_BATCH_ITEMS = 1000
MAX_ID = 2**63 - 1
MAX_NOTE_LENGTH = 1000
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,300}\Z")
# Printable ASCII, as for the Idempotency-Key header; a UUID fits easily.
IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,100}\Z")
_OUTCOMES = frozenset(Outcome.values)
# Dates the platform accepts anywhere (client timestamps, dashboard ranges): outside is a 400.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
TIMESTAMP_MESSAGE = "Use an ISO 8601 date and time between 1900 and 2100, such as 2017-03-01T14:30:00Z."


def client_timestamp_in_utc(value: datetime) -> datetime | None:
    """The timestamp in UTC, or None when it is outside 1900..2100 (or its offset is not a real one).

    PostgreSQL refuses offsets beyond +/-15:59 that Python accepts, so every timestamp is stored
    in UTC, whatever offset the client sent.
    """
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return value if EARLIEST_YEAR <= value.year <= LATEST_YEAR else None


@dataclass(slots=True)
class BatchItem:
    campaign: str
    action: int
    office: int
    outcome: str
    note: str
    client_timestamp: datetime | None
    idempotency_key: str
    contact_point: int | None = None
    share_note: bool = False
    sign_note: bool = False


class ItemError(Exception):
    """One item is malformed or breaks a rule; the rest of the batch goes on."""

    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}


def _positive_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800", which JSON can carry
        return False
    return True


def parse_item(raw) -> BatchItem:
    """A checked item, or ItemError naming every bad field."""
    if not isinstance(raw, dict):
        raise ItemError("invalid", "Each call must be a JSON object.")
    fields: dict[str, list[str]] = {}

    campaign = raw.get("campaign")
    if not isinstance(campaign, str) or not SLUG_RE.match(campaign):
        fields["campaign"] = ["A campaign slug is required."]
    action = _positive_id(raw.get("action"))
    if action is None:
        fields["action"] = ["An action id (a positive integer) is required."]
    office = _positive_id(raw.get("office"))
    if office is None:
        fields["office"] = ["An office id (a positive integer) is required."]
    outcome = raw.get("outcome")
    if not isinstance(outcome, str) or outcome not in _OUTCOMES:
        fields["outcome"] = [f"Use one of: {', '.join(sorted(_OUTCOMES))}."]
    # As the serializer's CharField (the item's definition): absent is "", a number is its text,
    # null or anything else is refused.
    note = raw.get("note", "")
    if isinstance(note, int | float) and not isinstance(note, bool):
        note = str(note)
    if not isinstance(note, str):
        fields["note"] = ["The note must be a string."]
    else:
        note = note.strip()
        if len(note) > MAX_NOTE_LENGTH or "\x00" in note or not _encodable(note):
            fields["note"] = ["Keep the note under 1,000 characters, without NUL or lone surrogate characters."]
    client_timestamp = raw.get("client_timestamp")
    if client_timestamp is not None:
        parsed = None
        if isinstance(client_timestamp, str):
            try:
                parsed = parse_datetime(client_timestamp.strip())
            except ValueError:  # well formed but out of range, e.g. month 13
                parsed = None
        if parsed is not None:
            parsed = client_timestamp_in_utc(parsed)
        if parsed is None:
            fields["client_timestamp"] = [TIMESTAMP_MESSAGE]
        else:
            client_timestamp = parsed
    contact_point = raw.get("contact_point")
    if contact_point is not None:
        contact_point = _positive_id(contact_point)
        if contact_point is None:
            fields["contact_point"] = ["The number dialled is a contact point id (a positive integer), or null."]
    flags = {}
    for name in ("share_note", "sign_note"):
        flags[name] = raw.get(name, False)
        if not isinstance(flags[name], bool):
            fields[name] = ["Use true or false."]
    key = raw.get("idempotency_key")
    if not isinstance(key, str) or not IDEMPOTENCY_KEY_RE.match(key):
        fields["idempotency_key"] = ["A unique key per call is required: up to 100 printable ASCII characters."]

    if fields:
        raise ItemError("invalid", "This call is not valid.", fields)
    return BatchItem(
        campaign=campaign,
        action=action,
        office=office,
        outcome=outcome,
        note=note,
        client_timestamp=client_timestamp,
        idempotency_key=key,
        contact_point=contact_point,
        share_note=flags["share_note"] and bool(note),
        sign_note=flags["sign_note"] and flags["share_note"] and bool(note),
    )
