"""The tallies API's serializers: the calls (one, a batch), the tallies and their date range."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from tallies.batch import IDEMPOTENCY_KEY_RE, MAX_BATCH_ITEMS, MAX_ID, TIMESTAMP_MESSAGE, client_timestamp_in_utc
from tallies.models import CallLog, Outcome
from tallies.selectors import DateRange

_IN_RANGE = [
    MinValueValidator(DateRange.EARLIEST, message=f"Use a date from {DateRange.EARLIEST} on."),
    MaxValueValidator(DateRange.LATEST, message=f"Use a date up to {DateRange.LATEST}."),
]


class DateRangeInputSerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False,
        validators=_IN_RANGE,
        help_text="First day counted (the chapter's own day), YYYY-MM-DD (1900..2100). Open if omitted.",
    )
    end = serializers.DateField(
        required=False,
        validators=_IN_RANGE,
        help_text="Last day counted (the chapter's own day), YYYY-MM-DD (1900..2100). Open if omitted.",
    )

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": _("The end date is before the start date.")})
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


class CallCreateInputSerializer(serializers.Serializer):
    campaign = serializers.SlugField(max_length=300, help_text="The campaign's slug.")
    action = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An action id of that campaign.")
    office = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The office called or written to.")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    client_timestamp = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When the call was made, by the client's clock."
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

    def validate_client_timestamp(self, value):
        if value is None:
            return None
        value = client_timestamp_in_utc(value)
        if value is None:
            raise ValidationError(TIMESTAMP_MESSAGE)
        return value


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
    """One call logged offline. Documents the item shape; tallies.batch.parse_item checks it."""

    # One call's fields, plus its key: the shape of a batch item is CallCreateInputSerializer's.
    # parse_item checks items by hand for speed; tests/tallies/test_batch_shape.py holds the two equal.
    idempotency_key = serializers.RegexField(
        IDEMPOTENCY_KEY_RE,
        max_length=100,
        help_text="Unique per call (a UUID made when the call was logged offline): a retry logs nothing new.",
    )


class BatchInputSerializer(serializers.Serializer):
    calls = serializers.ListField(
        child=BatchCallInputSerializer(), min_length=1, max_length=MAX_BATCH_ITEMS, help_text="Up to 1,000 calls."
    )


class BatchItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
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
