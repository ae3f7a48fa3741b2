import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from officials.models import Office, OfficeRole
from officials.selectors import ZIP_FORMAT_MESSAGE, ZIP_RE, InvalidZipCode, normalise_zip

USPS_CODES = sorted(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI".split()
)


class ZipField(forms.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            regex=ZIP_RE,
            error_messages={"invalid": ZIP_FORMAT_MESSAGE},
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                normalise_zip(value)
            except InvalidZipCode as exc:
                # The message holds only digits, so django-filter's %-formatting leaves it alone.
                raise forms.ValidationError(exc.messages[0], code=exc.code) from exc
        return value


class StateField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if value and value.upper() not in USPS_CODES:
            # Through params: django-filter %-formats every message, so the input must not be part of it.
            raise forms.ValidationError(
                _("%(value)s is not a USPS state or territory code, for example MO."), params={"value": repr(value)}
            )
        return value.upper() if value else value


class ZipFilter(django_filters.CharFilter):
    field_class = ZipField


class StateFilter(django_filters.CharFilter):
    field_class = StateField


class OfficialFilter(django_filters.FilterSet):
    zip = ZipFilter(
        method="filter_noop",
        help_text="The caller's ZIP or ZIP+4: lists their officials (senators, representative, governor, AG ...).",
    )
    district = django_filters.CharFilter(
        method="filter_district",
        help_text=(
            "An OCD division id. With zip: the district the caller chose when the ZIP is split "
            "(one of `districts`). Without zip: offices of that division."
        ),
    )
    state = StateFilter(
        method="filter_state",
        help_text="USPS code (MO, DC, PR ...): offices of that state, its districts included.",
    )
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
