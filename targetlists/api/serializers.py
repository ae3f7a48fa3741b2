from django.conf import settings
from rest_framework import serializers

from advocacy.api.fields import StrictBooleanField, StrictCharField

from ..rows import MAX_LENGTHS, REQUIRED


def _row_field(name: str):
    return StrictCharField(
        required=name in REQUIRED,
        allow_blank=name not in REQUIRED,
        max_length=MAX_LENGTHS[name],
        trim_whitespace=False,
        help_text=_ROW_HELP.get(name, ""),
    )


_ROW_HELP = {
    "name": "The person's full name; the last word is their last name in scripts.",
    "title": 'Their office, e.g. "Alderperson".',
    "title_es": "The title in Spanish, for Spanish readers.",
    "phone": "Any U.S. format; stored in E.164.",
    "phone_label": 'e.g. "City Hall office".',
    "district": 'Free text, e.g. "Ward 7".',
    "district_es": "The district in Spanish.",
    "zips": "The 5-digit ZIP codes this person represents, separated by spaces; empty for everyone.",
    "email": "An email address.",
    "contact_form": "A web form's address (http or https).",
    "photo_url": "A photo's address (http or https).",
    "party": "",
    "external_id": "Your own id: a re-import updates by it (by name and title when empty).",
}


class TargetListRowInputSerializer(serializers.Serializer):
    name = _row_field("name")
    title = _row_field("title")
    title_es = _row_field("title_es")
    phone = _row_field("phone")
    phone_label = _row_field("phone_label")
    district = _row_field("district")
    district_es = _row_field("district_es")
    zips = _row_field("zips")
    email = _row_field("email")
    contact_form = _row_field("contact_form")
    photo_url = _row_field("photo_url")
    party = _row_field("party")
    external_id = _row_field("external_id")


def _rows_field(*, required: bool = True):
    return serializers.ListField(
        child=TargetListRowInputSerializer(),
        min_length=1,
        max_length=settings.TARGET_LIST_MAX_ROWS,
        required=required,
        help_text="Every person on the list, as the CSV's rows. One bad row means nothing is written: the errors "
        "name each as `rows.<index>.<column>`. A re-import updates people by external_id (else name and title), "
        "keeps their logged calls and retires those left out.",
    )


class TargetListCreateInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200, help_text="Unique within the chapter.")
    rows = _rows_field()
    dry_run = StrictBooleanField(
        default=False, help_text="Check the rows and answer with the preview (200), writing nothing."
    )


class TargetListUpdateInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200)
    rows = _rows_field()
    dry_run = StrictBooleanField(default=False, help_text="Preview the re-import (200), writing nothing.")


class TargetListPartialUpdateInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200, required=False)
    rows = _rows_field(required=False)
    dry_run = StrictBooleanField(default=False, help_text="Preview the re-import (200), writing nothing.")


class TargetListOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    chapter = serializers.CharField(source="chapter.slug", help_text="The chapter's slug.")
    is_sample = serializers.BooleanField(help_text="Made-up demo data.")
    member_count = serializers.IntegerField(help_text="People on the list now (not the retired ones).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TargetListMemberOutputSerializer(serializers.Serializer):
    office = serializers.IntegerField(source="office_id", help_text="The Office id: log calls to it.")
    external_id = serializers.CharField()
    name = serializers.CharField(source="person.name", allow_null=True, default=None)
    title = serializers.CharField(source="office.title")
    title_es = serializers.CharField()
    district = serializers.CharField()
    district_es = serializers.CharField()
    phone = serializers.CharField(allow_null=True, help_text="E.164; null without a phone.")
    phone_label = serializers.CharField()
    zips = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{5}$"), help_text="Empty: the person represents everyone."
    )
    email = serializers.CharField()
    contact_form = serializers.CharField()
    photo_url = serializers.CharField()
    party = serializers.CharField()
    retired = serializers.BooleanField(help_text="Left out of a later import: kept for past tallies, not called.")


class TargetListDetailOutputSerializer(TargetListOutputSerializer):
    members = TargetListMemberOutputSerializer(source="member_rows", many=True)


class TargetListRowOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    title_es = serializers.CharField()
    phone = serializers.CharField(help_text="E.164, or empty.")
    phone_label = serializers.CharField()
    district = serializers.CharField()
    district_es = serializers.CharField()
    zips = serializers.ListField(child=serializers.RegexField(r"^[0-9]{5}$"))
    email = serializers.CharField()
    contact_form = serializers.CharField()
    photo_url = serializers.CharField()
    party = serializers.CharField()
    external_id = serializers.CharField()


class TargetListPreviewOutputSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField(help_text="People the import would add.")
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    retired = serializers.IntegerField(help_text="People no longer in the rows, who would be retired.")
    rows = TargetListRowOutputSerializer(many=True, help_text="Every row as it would be stored.")
