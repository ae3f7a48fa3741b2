from rest_framework import serializers

from accounts.models import TIME_ZONE_CHOICES, Membership, User
from advocacy.api.fields import (
    OCD_ID_MESSAGE,
    OCD_ID_PATTERN,
    ZIP_MESSAGE,
    ZIP_PATTERN,
    StrictBooleanField,
    StrictCharField,
    pattern_validator,
)


class MyChapterOutputSerializer(serializers.ModelSerializer):
    """A chapter seen through the caller's membership of it."""

    slug = serializers.SlugField(source="chapter.slug")
    name = serializers.CharField(source="chapter.name")
    state = serializers.CharField(source="chapter.state")
    role = serializers.ChoiceField(choices=Membership.Role.choices, read_only=True)

    class Meta:
        model = Membership
        fields = ["slug", "name", "state", "role", "joined_at"]
        read_only_fields = fields


class MyChapterDetailOutputSerializer(MyChapterOutputSerializer):
    description = serializers.CharField(source="chapter.description")

    class Meta(MyChapterOutputSerializer.Meta):
        fields = [*MyChapterOutputSerializer.Meta.fields, "description"]
        read_only_fields = fields


class MeOutputSerializer(serializers.ModelSerializer):
    chapters = MyChapterOutputSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "name",
            "email",
            "zip_code",
            "state",
            "district_ocd_id",
            "time_zone",
            "reminder_frequency",
            "call_now_emails",
            "chapters",
        ]
        read_only_fields = fields


class MeInputSerializer(serializers.Serializer):
    """Every field is optional: a PATCH changes only what it sends. email and state are read-only."""

    name = StrictCharField(max_length=150, required=False, allow_blank=True)
    zip_code = StrictCharField(
        max_length=10,
        required=False,
        allow_blank=True,
        validators=[pattern_validator(ZIP_PATTERN, ZIP_MESSAGE)],
        help_text="5 digits or ZIP+4 (65101 or 65101-1234); the state is derived from it. Empty clears the location.",
    )
    district_ocd_id = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        validators=[pattern_validator(OCD_ID_PATTERN, OCD_ID_MESSAGE)],
        help_text=(
            "For a ZIP that spans several districts: the caller's own district, an OCD id. One that does not "
            "include the ZIP (or with no ZIP) is a 409."
        ),
    )
    time_zone = serializers.ChoiceField(choices=TIME_ZONE_CHOICES, required=False)
    reminder_frequency = serializers.ChoiceField(choices=User.ReminderFrequency.choices, required=False)
    call_now_emails = StrictBooleanField(
        required=False, help_text="Whether chapter leads' “call now” messages reach this volunteer."
    )
