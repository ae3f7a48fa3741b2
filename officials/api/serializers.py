from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.api.fields import StrictCharField
from officials.models import ContactPoint, Division, OfficeRole, Person, WrongNumberReport


class OfficialDivisionOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Division.Kind.choices)

    class Meta:
        model = Division
        fields = ["ocd_id", "name", "kind", "state"]


class OfficialPersonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "given_name", "family_name", "party", "photo_url", "bioguide_id", "openstates_id"]

    # A plain string: "" (no photo) is not a URL, and a URL-or-empty union would match "" twice.
    photo_url = serializers.CharField(help_text="The photo's URL, or empty when there is none.")


class OfficialContactPointOutputSerializer(serializers.ModelSerializer):
    display_value = serializers.CharField(help_text="A phone in national format; anything else as stored.")
    tel_url = serializers.CharField(help_text="tel: link for phones, empty otherwise.")
    kind = serializers.ChoiceField(
        choices=ContactPoint.Kind.choices, help_text="For `form`, `value` is the contact form's URL."
    )

    class Meta:
        model = ContactPoint
        fields = ["id", "kind", "label", "value", "display_value", "tel_url", "hours", "address", "is_capitol"]


class OfficialEntryOutputSerializer(serializers.Serializer):
    """An office with its current holder (null when vacant or an organisation) and how to reach it."""

    id = serializers.IntegerField(source="office.pk", help_text="The Office id.")
    role = serializers.ChoiceField(source="office.role", choices=OfficeRole.choices)
    role_label = serializers.SerializerMethodField()
    title = serializers.CharField(source="office.title")
    name = serializers.CharField(source="office.name", help_text="Organisations only.")
    seat = serializers.CharField(source="office.seat")
    website = serializers.CharField(source="office.website")
    division = OfficialDivisionOutputSerializer(source="office.division", allow_null=True)
    holder = OfficialPersonOutputSerializer(source="person", allow_null=True)
    holder_status = serializers.ChoiceField(
        choices=["current", "not_yet_in_data", "vacant", "organisation"],
        help_text=(
            "current: `holder` holds the office today. not_yet_in_data: an executive office between holders "
            '(shown as "New officeholder: name not yet in our data"; the office\'s own numbers still work). '
            "vacant: a legislative seat nobody holds. organisation: not a seat."
        ),
    )
    term_start = serializers.DateField(source="term.start", allow_null=True, default=None)
    party = serializers.CharField(source="term.party", allow_null=True, default=None)
    contact_points = OfficialContactPointOutputSerializer(many=True)

    @extend_schema_field(serializers.CharField())
    def get_role_label(self, entry) -> str:
        return OfficeRole(entry.office.role).label


class WrongNumberReportInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=1000, help_text="What is wrong with the number.")


class WrongNumberReportOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=WrongNumberReport.Status.choices)

    class Meta:
        model = WrongNumberReport
        fields = ["id", "contact_point", "reason", "status", "created_at"]
