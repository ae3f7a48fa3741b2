"""A call's input: the one parser of the fields a client sends to log a call, and their limits.

`parse_call` turns a call's JSON object into a typed `CallInput` or a ValidationError naming
every bad field. The token fast path (tallies/api/fast_path.py), the DRF view and its serializer
(tallies/api/calls.py, tallies/api/serializers.py) and the batch upload (`parse_batch_item`, for
tallies/services/batch.py) all call it, so a body gets the same answer whichever path it takes
(tests/tallies/test_call_parity.py sends the same bodies through the fast path and the view).
The page's form takes its idempotency key rule from here too. A new field of a call goes here,
once. The limits come from the model fields.

Rules where JSON leaves a choice (one rule, every path):
- unknown fields are ignored (a newer client may send more);
- ids are JSON integers from 1 to 2**63-1 (7.0 included, as JSON Schema counts it); a string of
  ASCII digits is accepted too (as DRF's IntegerField did); booleans and fractions are not ids;
- `campaign` and `note` are trimmed; a note is a string, never a number or null (as the schema says);
- `client_timestamp` is ISO 8601 (no offset: the server's zone) in the form CLIENT_TIMESTAMP_PATTERN
  states; a time of that form that is not on the calendar, more than CLIENT_TIMESTAMP_AHEAD ahead of
  the server's clock or more than CLIENT_TIMESTAMP_MAX_AGE old is a rule's refusal
  (CallRefused `client_timestamp_out_of_range`, a 422), not a malformed body (a 400): the schema
  cannot know the clock;
- whether an outcome fits the action (a letter is not left on voicemail) is a rule of the call
  (tallies/services/rules.py), checked once the action is known.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from advocacy.errors import Unprocessable
from campaigns.models import Action, Campaign

from .models import CallLog, Outcome

MAX_ID = 2**63 - 1  # bigint ids
MAX_NOTE_LENGTH = CallLog._meta.get_field("note").max_length
MAX_IDEMPOTENCY_KEY_LENGTH = CallLog._meta.get_field("idempotency_key").max_length
MAX_SLUG_LENGTH = Campaign._meta.get_field("slug").max_length
MAX_BATCH_ITEMS = 1000
SLUG_RE = re.compile(rf"^[-a-zA-Z0-9_]{{1,{MAX_SLUG_LENGTH}}}\Z")
# Printable ASCII without spaces, as for the Idempotency-Key header; a UUID fits easily.
IDEMPOTENCY_KEY_RE = re.compile(rf"^[\x21-\x7e]{{1,{MAX_IDEMPOTENCY_KEY_LENGTH}}}\Z")
IDEMPOTENCY_KEY_PATTERN = "^[!-~]+$"  # the JSON Schema form of IDEMPOTENCY_KEY_RE (with maxLength)
# ISO 8601 as parse_datetime reads it; the schema publishes this pattern, so a string of another form is a 400.
CLIENT_TIMESTAMP_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]"
    r"(:[0-5][0-9]([.,][0-9]{1,12})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
CLIENT_TIMESTAMP_RE = re.compile(CLIENT_TIMESTAMP_PATTERN.replace("$", r"\Z"))
CLIENT_TIMESTAMP_AHEAD = timedelta(minutes=10)
CLIENT_TIMESTAMP_MAX_AGE = timedelta(days=30)
FIELDS = (
    "campaign",
    "action",
    "office",
    "outcome",
    "note",
    "client_timestamp",
    "contact_point",
    "share_note",
    "sign_note",
)

# The outcomes each kind of action can have: a call is answered or not, a letter or email is sent.
OUTCOMES_BY_KIND = {
    Action.Kind.CALL: frozenset(
        {Outcome.REACHED, Outcome.VOICEMAIL, Outcome.VOICEMAIL_FULL, Outcome.BUSY, Outcome.SKIPPED}
    ),
    Action.Kind.WRITE: frozenset({Outcome.SENT, Outcome.SKIPPED}),
    Action.Kind.EMAIL: frozenset({Outcome.SENT, Outcome.SKIPPED}),
}
_OUTCOMES = frozenset(Outcome.values)


class CallRefused(Unprocessable):
    """A call the schema allows and a rule of the call refuses (a 422): `code` says which, `fields` where.

    Raised here for a client_timestamp the clock refuses, and by the rules of a call
    (tallies/services/rules.py) once its campaign, action and office are known.
    """

    def __init__(self, code: str, fields: dict):
        super().__init__(next(iter(fields.values())), fields={key: [value] for key, value in fields.items()})
        self.code = code


@dataclass(frozen=True, slots=True)
class CallInput:
    campaign: str
    action: int
    office: int
    outcome: str
    note: str
    client_timestamp: datetime | None
    # The number dialled (a contact point of the office), and the caller's consent to show the
    # note to the office, signed with their first name and ZIP or not (the office report).
    contact_point: int | None = None
    share_note: bool = False
    sign_note: bool = False


@dataclass(frozen=True, slots=True)
class BatchItem(CallInput):
    """One item of a batch upload: a call plus the key that makes sending it again safe."""

    idempotency_key: str = ""


def idempotency_key_message() -> str:
    return _("Use 1 to %(max)s printable ASCII characters without spaces, such as a UUID.") % {
        "max": MAX_IDEMPOTENCY_KEY_LENGTH
    }


def idempotency_key_valid(key) -> bool:
    return isinstance(key, str) and IDEMPOTENCY_KEY_RE.match(key) is not None


def _id(value) -> int | None:
    if type(value) is str and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    elif type(value) is float and value.is_integer():  # JSON Schema: 7.0 is the integer 7
        value = int(value)
    if type(value) is int and 1 <= value <= MAX_ID:
        return value
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800", which JSON can carry
        return False
    return True


def _note(raw, fields: dict) -> str:
    if not isinstance(raw, str):
        fields["note"] = [_("Send the note as a string.")]
        return ""
    note = raw.strip()
    if len(note) > MAX_NOTE_LENGTH:
        fields["note"] = [_("Keep the note to %(max)s characters or fewer.") % {"max": MAX_NOTE_LENGTH}]
    elif "\x00" in note or not _encodable(note):
        fields["note"] = [_("Remove NUL and unpaired surrogate characters from the note.")]
    return note


def _calendar_time(raw: str) -> datetime | None:
    """The time `raw` names in UTC, or None when no calendar has it (February 30th, an offset of 24 hours)."""
    try:
        parsed = parse_datetime(raw)
        if parsed is None:
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        # PostgreSQL refuses offsets beyond +/-15:59 that Python accepts: stored in UTC.
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _client_timestamp(raw, now: datetime, fields: dict, refusals: dict) -> datetime | None:
    """The client's time of the call: a malformed one goes to `fields`, one the clock refuses to `refusals`."""
    if raw is None:
        return None
    if not isinstance(raw, str) or not CLIENT_TIMESTAMP_RE.match(raw):
        fields["client_timestamp"] = [_("Use an ISO 8601 date and time, such as 2017-03-01T14:30:00Z.")]
        return None
    parsed = _calendar_time(raw)
    if parsed is None:
        refusals["client_timestamp"] = _("%(time)s is not a date and time on the calendar.") % {"time": raw}
    elif parsed > now + CLIENT_TIMESTAMP_AHEAD:
        refusals["client_timestamp"] = _(
            "This time is more than 10 minutes ahead of the server's clock (%(now)s UTC): "
            "check the device's date and time."
        ) % {"now": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    elif parsed < now - CLIENT_TIMESTAMP_MAX_AGE:
        refusals["client_timestamp"] = _("This time is more than 30 days ago: log a call within 30 days.")
    return parsed


def _campaign(data: dict, fields: dict) -> str | None:
    campaign = data.get("campaign")
    if isinstance(campaign, str):
        campaign = campaign.strip()
    if isinstance(campaign, str) and SLUG_RE.match(campaign):
        return campaign
    if "campaign" not in data:
        fields["campaign"] = [_("This field is required.")]
    else:
        fields["campaign"] = [
            _("Use the campaign's slug: letters, digits, hyphens and underscores, at most %(max)s.")
            % {"max": MAX_SLUG_LENGTH}
        ]
    return None


def _required_id(data: dict, name: str, fields: dict) -> int | None:
    value = _id(data.get(name))
    if value is None:
        fields[name] = [_("This field is required.")] if name not in data else [_("Use an id: a whole number from 1.")]
    return value


def _outcome(data: dict, fields: dict) -> str | None:
    outcome = data.get("outcome")
    if isinstance(outcome, str) and outcome in _OUTCOMES:
        return outcome
    if "outcome" not in data:
        fields["outcome"] = [_("This field is required.")]
    else:
        fields["outcome"] = [_("Use one of: %(outcomes)s.") % {"outcomes": ", ".join(Outcome.values)}]
    return None


def _contact_point(raw, fields: dict) -> int | None:
    if raw is None:
        return None
    contact_point = _id(raw)
    if contact_point is None:
        fields["contact_point"] = [_("The number dialled is a contact point id (a whole number from 1), or null.")]
    return contact_point


def _flag(data: dict, name: str, fields: dict) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        fields[name] = [_("Use true or false.")]
    return value is True


def _parse_fields(data, now: datetime | None, fields: dict, refusals: dict) -> CallInput | None:
    if not isinstance(data, dict):
        fields["non_field_errors"] = [_("Send a JSON object with the call's fields.")]
        return None
    campaign = _campaign(data, fields)
    action = _required_id(data, "action", fields)
    office = _required_id(data, "office", fields)
    outcome = _outcome(data, fields)
    note = _note(data.get("note", ""), fields)
    stamp = _client_timestamp(data.get("client_timestamp"), now or timezone.now(), fields, refusals)
    contact_point = _contact_point(data.get("contact_point"), fields)
    share_note = _flag(data, "share_note", fields)
    sign_note = _flag(data, "sign_note", fields)
    if fields or refusals:
        return None
    # Nothing to share without a note, and no signature on a note that is not shared.
    share = share_note and bool(note)
    return CallInput(
        campaign,
        action,
        office,
        outcome,
        note,
        stamp,
        contact_point=contact_point,
        share_note=share,
        sign_note=share and sign_note,
    )


def _raise_refusals(fields: dict, refusals: dict) -> None:
    """A malformed body is a ValidationError (400) naming every bad field; else a rule's refusal (422)."""
    if fields:
        raise ValidationError(fields)
    if refusals:
        raise CallRefused("client_timestamp_out_of_range", refusals)


def parse_call(data, *, now: datetime | None = None) -> CallInput:
    """The call in `data` (a decoded JSON value); a ValidationError naming every bad field, or a rule's refusal."""
    fields: dict[str, list[str]] = {}
    refusals: dict[str, str] = {}
    call = _parse_fields(data, now, fields, refusals)
    _raise_refusals(fields, refusals)
    return call


def parse_batch_item(data, *, now: datetime | None = None) -> BatchItem:
    """One item of a batch upload: a call plus its required `idempotency_key`; refused as parse_call refuses."""
    fields: dict[str, list[str]] = {}
    refusals: dict[str, str] = {}
    call = _parse_fields(data, now, fields, refusals)
    key = data.get("idempotency_key") if isinstance(data, dict) else None
    if isinstance(data, dict) and not idempotency_key_valid(key):
        fields["idempotency_key"] = [idempotency_key_message()]
    _raise_refusals(fields, refusals)
    return BatchItem(*astuple(call), idempotency_key=key)


def outcome_fits(*, kind: str, outcome: str) -> bool:
    """Whether an action of this kind can have this outcome (a call is not "sent", a letter not "voicemail")."""
    return outcome in OUTCOMES_BY_KIND.get(kind, _OUTCOMES)
