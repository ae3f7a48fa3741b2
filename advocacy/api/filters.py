"""Filters that take exactly what the schema says.

django-filter's BooleanFilter reads `true` and `false` and quietly ignores anything else
(`?national=maybe` lists everything); the schema says boolean, so anything else is a 400 here.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class StrictBooleanField(forms.Field):
    default_error_messages = {"invalid": _("Use true or false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None if value is None else self.fail_invalid()
        if value not in ("true", "false"):
            self.fail_invalid()
        return value == "true"

    def fail_invalid(self):
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField
