"""Output serializers of the tally endpoints, and the input serializer of their date range."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from rest_framework import serializers

from tallies.models import Outcome
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
