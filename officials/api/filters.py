import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from advocacy.api.fields import OCD_ID_MESSAGE, OCD_ID_PATTERN, ZIP_MESSAGE, ZIP_PATTERN, or_empty
from officials.models import Office, OfficeRole

USPS_CODES = sorted(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)


# The schema's rules for these parameters, which the fields below apply exactly: an empty zip or district is
# no filter, an empty state a 400.
STATE_CODES = [*USPS_CODES, *(code.lower() for code in USPS_CODES)]


class ZipField(forms.RegexField):
    """The shape only: whether a ZIP of that shape exists is the view's question (a 422 `unknown_zip`)."""

    def __init__(self, **kwargs):
        super().__init__(
            regex=f"{or_empty(ZIP_PATTERN)[:-1]}\\Z",
            error_messages={"invalid": ZIP_MESSAGE},
            **{**kwargs, "strip": False},
        )


class OcdIdField(forms.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            regex=f"{or_empty(OCD_ID_PATTERN)[:-1]}\\Z",
            error_messages={"invalid": OCD_ID_MESSAGE},
            **{**kwargs, "strip": False},
        )


class StateField(forms.CharField):
    def clean(self, value):
        if value == "":
            raise forms.ValidationError(_("Give a USPS state or territory code, for example MO."))
        value = super().clean(value)
        if value and value not in STATE_CODES:
            # Through params: django-filter %-formats every message, so the input must not be part of it.
            raise forms.ValidationError(
                _("%(value)s is not a USPS state or territory code, for example MO."), params={"value": repr(value)}
            )
        return value.upper() if value else value


_ZIP_HELP = "The caller's ZIP or ZIP+4: lists their officials (senators, representative, governor, AG ...)."
_DISTRICT_HELP = (
    "An OCD division id. With zip: the district the caller chose when the ZIP is split (one of `districts`; "
    "another is a 404). Without zip: offices of that division."
)
_STATE_HELP = "USPS code (MO, DC, PR ...): offices of that state, its districts included."


# The class's schema replaces the one django-filter's help_text would give, so the description is here too.
@extend_schema_field({"type": "string", "pattern": or_empty(ZIP_PATTERN), "description": _ZIP_HELP})
class ZipFilter(django_filters.CharFilter):
    field_class = ZipField


@extend_schema_field({"type": "string", "pattern": or_empty(OCD_ID_PATTERN), "description": _DISTRICT_HELP})
class OcdIdFilter(django_filters.CharFilter):
    field_class = OcdIdField


# A pattern, not an enum: an enum of "MO" and "mo" gives generators two members of one name.
@extend_schema_field({"type": "string", "pattern": f"^({'|'.join(STATE_CODES)})$", "description": _STATE_HELP})
class StateFilter(django_filters.CharFilter):
    field_class = StateField


class OfficialFilter(django_filters.FilterSet):
    zip = ZipFilter(method="filter_noop", help_text=_ZIP_HELP)
    district = OcdIdFilter(method="filter_district", help_text=_DISTRICT_HELP)
    state = StateFilter(method="filter_state", help_text=_STATE_HELP)
    role = django_filters.ChoiceFilter(choices=OfficeRole.choices, help_text="Only offices with this role.")

    class Meta:
        model = Office
        fields = ["zip", "district", "state", "role"]

    def filter_noop(self, queryset, name, value):
        # The view resolves the ZIP itself (officials_for_zip); declared here for validation and the schema.
        return queryset

    def filter_district(self, queryset, name, value):
        if self.data.get("zip"):
            return queryset
        return queryset.filter(division__ocd_id=value)

    def filter_state(self, queryset, name, value):
        return queryset.filter(division__state=value)
