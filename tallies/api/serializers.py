"""The tallies API's serializers: the calls (one, a batch), the tallies and their date range."""

import dataclasses

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from advocacy.api.fields import StrictDateField
from tallies.call_input import (
    CLIENT_TIMESTAMP_PATTERN,
    IDEMPOTENCY_KEY_RE,
    MAX_BATCH_ITEMS,
    MAX_ID,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_SLUG_LENGTH,
    parse_batch_item,
    parse_call,
)
from tallies.models import CallLog, Outcome
from tallies.selectors import DateRange

_IN_RANGE = [
    MinValueValidator(
        DateRange.EARLIEST, message=format_lazy(_("Use a date from {earliest} on."), earliest=DateRange.EARLIEST)
    ),
    MaxValueValidator(DateRange.LATEST, message=format_lazy(_("Use a date up to {latest}."), latest=DateRange.LATEST)),
]
_YEARS = f"{DateRange.EARLIEST.year}..{DateRange.LATEST.year}"  # as the schema has always said it


class DateRangeInputSerializer(serializers.Serializer):
    start = StrictDateField(
        required=False,
        validators=_IN_RANGE,
        help_text=f"First day counted (the chapter's own day), YYYY-MM-DD ({_YEARS}). Open if omitted.",
    )
    end = StrictDateField(
        required=False,
        validators=_IN_RANGE,
        help_text=(
            f"Last day counted (the chapter's own day), YYYY-MM-DD ({_YEARS}). Open if omitted. Before `start`, "
            "the two are swapped, as on the dashboard (the answer's `start` and `end` say which range was read)."
        ),
    )

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            attrs["start"], attrs["end"] = attrs["end"], attrs["start"]
        return attrs


class OutcomeCountSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    label = serializers.CharField()
    calls = serializers.IntegerField()


class CampaignTallyOutputSerializer(serializers.Serializer):
    campaign = serializers.SlugField(help_text="The campaign's slug.")
    title = serializers.CharField()
    total = serializers.IntegerField(help_text="Every call logged for the campaign, exact at the time of the response.")
    goal = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField(
        allow_null=True, help_text="Percent of the goal (Campaign.goal_percent, as on every page); null without one."
    )
    by_outcome = OutcomeCountSerializer(many=True)


class CampaignFigureSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    title = serializers.CharField()
    calls = serializers.IntegerField(help_text="Calls by this chapter's callers (in the date range).")
    total = serializers.IntegerField(help_text="Calls by everyone, all time, toward the goal.")
    goal = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField(allow_null=True)


class OfficeFigureSerializer(serializers.Serializer):
    office_id = serializers.IntegerField()
    office = serializers.CharField()
    state = serializers.CharField()
    calls = serializers.IntegerField()


class DayFigureSerializer(serializers.Serializer):
    day = serializers.DateField()
    calls = serializers.IntegerField()


class MemberFigureSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(allow_null=True, help_text="Null for a deleted account.")
    name = serializers.CharField()
    calls = serializers.IntegerField()


class ChapterTallyOutputSerializer(serializers.Serializer):
    chapter = serializers.SlugField()
    name = serializers.CharField()
    time_zone = serializers.CharField(help_text="The chapter's zone: start, end and by_day are its days.")
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    by_outcome = OutcomeCountSerializer(many=True)
    by_campaign = CampaignFigureSerializer(many=True)
    by_office = OfficeFigureSerializer(many=True)
    by_day = DayFigureSerializer(many=True)
    by_member = MemberFigureSerializer(many=True, help_text="The most active callers, at most 100.")


class ImpactCampaignSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    title = serializers.CharField()
    calls = serializers.IntegerField()


class ImpactOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_outcome = OutcomeCountSerializer(many=True)
    by_campaign = ImpactCampaignSerializer(many=True)
    streak_weeks = serializers.IntegerField(help_text="Consecutive weeks with a call, Monday-start, in your time zone.")
    longest_streak_weeks = serializers.IntegerField()
    called_this_week = serializers.BooleanField()
    week_start = serializers.DateField(help_text="Monday of the current week in your time zone.")
    time_zone = serializers.CharField()


def outcome_rows(by_outcome):
    return [{"outcome": value, "label": label, "calls": n} for value, label, n in by_outcome]


# No `format: date-time`: RFC 3339 wants an offset and seconds, which the API has never required; the
# pattern says exactly which strings are a 400 (a time of that form the clock refuses is a 422).
@extend_schema_field({"type": "string", "pattern": CLIENT_TIMESTAMP_PATTERN})
class ClientTimestampField(serializers.DateTimeField):
    pass


class CallCreateInputSerializer(serializers.Serializer):
    """A call's body as the schema shows it; the checking is tallies.call_input.parse_call, as on every path."""

    campaign = serializers.SlugField(max_length=MAX_SLUG_LENGTH, help_text="The campaign's slug.")
    action = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An action id of that campaign.")
    office = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The office called or written to.")
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        help_text="`reached`, `voicemail`, `busy` or `skipped` for a call action; `sent` or `skipped` for a write "
        "or email action. An outcome that does not fit the action is a 422 (`outcome_not_for_action`).",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE_LENGTH, default="")
    client_timestamp = ClientTimestampField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the call was made, by the client's clock (ISO 8601, e.g. 2026-12-04T14:30:00Z; without "
        "an offset, the server's zone). More than 10 minutes ahead of the server's clock, more than 30 days old, "
        "or a day no calendar has (February 30th) is a 422 (`client_timestamp_out_of_range`).",
    )
    contact_point = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The number dialled: a phone contact point id of the office (optional). Answer rates are per number.",
    )
    share_note = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Show the note in reports handed to the office (off by default; nothing else about you is shown).",
    )
    sign_note = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Sign the shared note with your first name and ZIP code (only with share_note).",
    )

    def to_internal_value(self, data):
        try:
            return _as_dict(parse_call(data))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


def _as_dict(call) -> dict:
    return dataclasses.asdict(call)


class CallOutputSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    office_title = serializers.CharField(source="office.__str__", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CallLog
        fields = [
            "id",
            "campaign",
            "action",
            "office",
            "office_title",
            "person",
            "person_name",
            "outcome",
            "note",
            "share_note",
            "sign_note",
            "contact_point",
            "source",
            "client_timestamp",
            "created_at",
        ]
        read_only_fields = fields


class BatchCallInputSerializer(CallCreateInputSerializer):
    """One call logged offline: a call's fields plus its key, checked by tallies.call_input.parse_batch_item."""

    idempotency_key = serializers.RegexField(
        IDEMPOTENCY_KEY_RE,
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        help_text="Unique per call (a UUID made when the call was logged offline): a retry logs nothing new.",
    )

    def to_internal_value(self, data):
        try:
            return _as_dict(parse_batch_item(data))
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


class BatchInputSerializer(serializers.Serializer):
    calls = serializers.ListField(
        child=BatchCallInputSerializer(), min_length=1, max_length=MAX_BATCH_ITEMS, help_text="Up to 1,000 calls."
    )


class BatchItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=(
            "The API's codes, as one call would get: `not_found` (no such campaign), the 422 codes of one call "
            "(`client_timestamp_out_of_range`, `unknown_action`, `unknown_office`, `campaign_closed`, "
            "`outcome_not_for_action`, `not_a_target`, `not_a_constituent`, `zip_code_required`, "
            "`idempotency_key_reused`), `too_many_calls_to_office`, `throttled`, `permission_denied`."
        )
    )
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in `calls`, from 0.")
    # Not "status": drf-spectacular would then rename the campaigns' StatusEnum to tell the two apart.
    result = serializers.ChoiceField(choices=["created", "duplicate", "error"])
    id = serializers.IntegerField(allow_null=True, help_text="The logged call (the first one for a duplicate).")
    error = BatchItemErrorSerializer(allow_null=True)


class BatchOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    errors = serializers.IntegerField()
    results = BatchItemResultSerializer(many=True, help_text="One result per item, in the order sent.")


class CallUndoOutputSerializer(serializers.Serializer):
    call = serializers.IntegerField(source="undoes_id", help_text="The call that is undone.")
    undone = serializers.BooleanField(default=True, help_text="Always true: the call no longer counts anywhere.")
    undo_id = serializers.IntegerField(source="pk", help_text="The undo's own row in the append-only log.")
    undoable_until = serializers.SerializerMethodField(
        help_text="When the 10-minute undo window of the call ends (or ended)."
    )

    def get_undoable_until(self, undo) -> str:
        from tallies.services import CALL_UNDO_WINDOW

        return serializers.DateTimeField().to_representation(undo.created_at + CALL_UNDO_WINDOW)
