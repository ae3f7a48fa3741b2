"""Output serializers for campaigns (read-only) and the input of the targets lookup."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from advocacy.api.fields import (
    OCD_ID_MESSAGE,
    OCD_ID_PATTERN,
    ZIP_MESSAGE,
    ZIP_PATTERN,
    StrictCharField,
    pattern_validator,
)
from campaigns.models import Action, Campaign, TargetListMode
from campaigns.rendering import markdown_to_html
from officials.models import OfficeRole
from tallies.models import Outcome


def _localized(field: str, *, max_length: int | None = None, help_text: str = "") -> serializers.CharField:
    """A text in the response's language: the Spanish version where one exists, else English."""
    return serializers.CharField(
        source=f"local.{field}",
        read_only=True,
        help_text=help_text
        or f"The {field.replace('_', ' ')} in the response's language (Spanish where written, else English).",
    )


class CampaignListOutputSerializer(serializers.ModelSerializer):
    title = _localized("title")
    summary = _localized("summary")
    language = serializers.CharField(
        source="local.language",
        read_only=True,
        help_text="The language asked for (`lang` or Accept-Language): en or es.",
    )
    has_spanish = serializers.BooleanField(
        read_only=True, help_text="Some of the campaign's texts have a Spanish version."
    )
    untranslated = serializers.SerializerMethodField(
        help_text="Texts shown in English because they have no version in the language asked for."
    )
    chapter = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    calls_total = serializers.IntegerField(read_only=True, help_text="Calls and letters logged so far.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "language",
            "has_spanish",
            "untranslated",
            "status",
            "chapter",
            "categories",
            "starts_at",
            "ends_at",
            "call_goal",
            "calls_total",
            "published_at",
        ]

    def get_untranslated(self, obj) -> list[str]:
        return obj.untranslated_fields() if obj.local.language != "en" else []


class ActionOutputSerializer(serializers.ModelSerializer):
    title = _localized("title")
    instructions = _localized("instructions")
    script = _localized(
        "script", help_text="The call script or letter, with its [PLACEHOLDERS], in the response's language."
    )
    voicemail_script = _localized("voicemail_script")
    target_roles = serializers.ListField(child=serializers.ChoiceField(choices=OfficeRole.choices))
    target_offices = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    target_list = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The chapter's own target list this action calls, if any."
    )
    target_list_mode = serializers.ChoiceField(
        choices=TargetListMode.choices,
        help_text='With a target_list: "all" (everyone on it) or "own" (the caller\'s own member, by ZIP).',
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "position",
            "kind",
            "title",
            "instructions",
            "script",
            "voicemail_script",
            "target_roles",
            "target_offices",
            "target_list",
            "target_list_mode",
        ]


class CampaignDetailOutputSerializer(CampaignListOutputSerializer):
    background = _localized("background")
    background_html = serializers.SerializerMethodField(help_text="The background, rendered and sanitised.")
    actions = ActionOutputSerializer(many=True, read_only=True)

    class Meta(CampaignListOutputSerializer.Meta):
        fields = [*CampaignListOutputSerializer.Meta.fields, "background", "background_html", "actions"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_background_html(self, obj) -> str:
        return str(markdown_to_html(obj.local.background))


class TargetsQueryInputSerializer(serializers.Serializer):
    zip = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=10,
        validators=[pattern_validator(ZIP_PATTERN, ZIP_MESSAGE)],
        help_text="ZIP or ZIP+4. Defaults to your saved ZIP.",
    )
    district = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=200,
        validators=[pattern_validator(OCD_ID_PATTERN, OCD_ID_MESSAGE)],
        help_text="For a ZIP split between districts: the OCD id of yours.",
    )


class DivisionOutputSerializer(serializers.Serializer):
    ocd_id = serializers.CharField()
    name = serializers.CharField()


class PhoneOutputSerializer(serializers.Serializer):
    number = serializers.CharField(source="value", help_text="E.164")
    label = serializers.CharField()
    is_capitol = serializers.BooleanField()
    hours = serializers.CharField()


class OfficeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=OfficeRole.choices)
    title = serializers.CharField()
    name = serializers.CharField()


class PersonOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    party = serializers.CharField()
    photo_url = serializers.CharField()


class TargetOutputSerializer(serializers.Serializer):
    office = OfficeOutputSerializer(source="entry.office")
    person = PersonOutputSerializer(source="entry.person", allow_null=True)
    holder_status = serializers.ChoiceField(
        source="entry.holder_status",
        choices=["current", "not_yet_in_data", "vacant", "organisation"],
        help_text="not_yet_in_data: an executive office between holders; its own numbers still work.",
    )
    is_fixed = serializers.BooleanField(help_text="A fixed target, the same for every caller.")
    title = serializers.CharField(help_text="The office's title in the response's language.")
    district = serializers.CharField(help_text='A target list member\'s district ("Ward 7"); "" for other offices.')
    phones = PhoneOutputSerializer(source="entry.phones", many=True)
    contact_form = serializers.SerializerMethodField()
    script = serializers.CharField(source="script.text", help_text="The script filled in for this official.")
    voicemail_script = serializers.CharField(source="voicemail.text")
    unknown_placeholders = serializers.SerializerMethodField()
    last_outcome = serializers.SerializerMethodField(help_text="Your latest logged outcome for this official.")

    # Null for offices without a web form; OpenApiTypes.URI alone would document it as never null.
    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_contact_form(self, obj) -> str | None:
        point = obj.entry.contact_form
        return point.value if point else None

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices, allow_null=True))
    def get_last_outcome(self, obj) -> str | None:
        return obj.last_outcome or None

    def get_unknown_placeholders(self, obj) -> list[str]:
        return list(dict.fromkeys(obj.script.unknown + obj.voicemail.unknown))


class ListChoiceOutputSerializer(serializers.Serializer):
    office = serializers.IntegerField(source="office.pk")
    name = serializers.CharField(source="person.name", allow_null=True, default=None)
    district = serializers.CharField()


class ActionTargetsOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="action.pk")
    position = serializers.IntegerField(source="action.position")
    kind = serializers.ChoiceField(source="action.kind", choices=Action.Kind.choices)
    title = serializers.CharField(source="action.local.title")
    instructions = serializers.CharField(source="action.local.instructions")
    missing_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=OfficeRole.choices), help_text="Target roles we found no official for."
    )
    done_count = serializers.IntegerField(help_text="Targets you have logged a call (or letter) for.")
    targets = TargetOutputSerializer(many=True)
    list_needs_zip = serializers.BooleanField(
        help_text="The action calls your own member of a target list, and we need your ZIP code to find them."
    )
    list_choices = ListChoiceOutputSerializer(
        many=True,
        help_text="Several members of the target list represent your ZIP: every one is in `targets`; pick yours "
        "on the call page to see only them.",
    )


class CampaignTargetsOutputSerializer(serializers.Serializer):
    zip = serializers.CharField(source="lookup.zip5")
    state = serializers.CharField(source="lookup.state", allow_null=True)
    split = serializers.BooleanField(help_text="The ZIP spans several districts and none was chosen.")
    districts = DivisionOutputSerializer(source="lookup.districts", many=True)
    chosen_district = serializers.CharField(source="lookup.chosen_district.ocd_id", allow_null=True, default=None)
    actions = ActionTargetsOutputSerializer(many=True)
