from rest_framework import serializers

from accounts.models import TIME_ZONE_CHOICES, ZIP_CODE_VALIDATOR, Membership, User


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

    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    zip_code = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        validators=[ZIP_CODE_VALIDATOR],
        help_text="5 digits or ZIP+4 (65101 or 65101-1234); the state is derived from it. Empty clears the location.",
    )
    district_ocd_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="For a ZIP that spans several districts: the caller's own district (must include the ZIP).",
    )
    time_zone = serializers.ChoiceField(choices=TIME_ZONE_CHOICES, required=False)
    reminder_frequency = serializers.ChoiceField(choices=User.ReminderFrequency.choices, required=False)
    call_now_emails = serializers.BooleanField(
        required=False, help_text="Whether chapter leads' “call now” messages reach this volunteer."
    )
