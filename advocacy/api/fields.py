"""Input fields and patterns that accept exactly what the schema says, so a generated client knows every rule.

DRF's CharField takes a number (`"reason": 5` becomes "5") and its BooleanField takes 0, 1, "yes" and
"on"; the schema says string and boolean, so the API's inputs use the strict fields below. The patterns
are written with [0-9] rather than \\d: in Python \\d also matches other scripts' digits, which a
JSON Schema (ECMA-262) validator would refuse, and each is matched whole (`fullmatch`), so a trailing
newline is refused too.
"""

import re

from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from advocacy.dates import EARLIEST_DATE, LATEST_DATE

ZIP_PATTERN = r"^[0-9]{5}(-[0-9]{4})?$"
ZIP_MESSAGE = _("Enter a 5-digit ZIP code or ZIP+4, for example 65101 or 65101-1234.")
# An Open Civic Data division id, as officials.importers.ocd reads them.
OCD_ID_PATTERN = r"^ocd-division/country:us(/[a-z_]+:[a-z0-9_~.\-]+)*$"
OCD_ID_MESSAGE = _("Enter an OCD division id, for example ocd-division/country:us/state:mo/cd:3.")
# A day of the platform's range (advocacy.dates) that exists (leap days included), as YYYY-MM-DD: the
# years spelled out below are EARLIEST_DATE's to LATEST_DATE's (tests/test_date_range.py holds them equal).
_YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"
_LEAP_YEAR = r"(19(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26]))"
DATE_PATTERN = (
    rf"^({_YEAR}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
    rf"|02-(0[1-9]|1[0-9]|2[0-8]))|{_LEAP_YEAR}-02-29)$"
)
# Text without NUL characters, which PostgreSQL cannot store or compare.
NO_NUL_PATTERN = r"^[^\x00]*$"


def or_empty(pattern: str) -> str:
    """The pattern, or nothing at all: for the inputs where empty means "none" (clear the ZIP, no filter)."""
    return f"^({pattern.removeprefix('^').removesuffix('$')})?$"


def pattern_validator(pattern: str, message) -> RegexValidator:
    """A validator for the whole value: Python's `$` would also let a trailing newline through."""
    return RegexValidator(re.compile(pattern.removesuffix("$") + r"\Z"), message)


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans: the schema says string (NUL characters are refused by any
    CharField)."""

    default_error_messages = {"not_a_string": _("Send text (a JSON string).")}

    def __init__(self, **kwargs):
        # Taken as sent: trimming would accept " 65101" where the schema's pattern refuses it.
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF's BooleanField also takes 0, 1, "yes", "on" and "true" as a string."""

    default_error_messages = {"invalid": _("Send true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


@extend_schema_field({"type": "string", "format": "date", "pattern": DATE_PATTERN})
class StrictDateField(serializers.DateField):
    """YYYY-MM-DD in the platform's range (advocacy.dates), exactly: DRF's DateField also takes "2026-1-5"
    and refuses the out-of-range ones only after parsing them."""

    default_error_messages = {
        "invalid": format_lazy(
            _("Use a date between {earliest} and {latest}, as YYYY-MM-DD."), earliest=EARLIEST_DATE, latest=LATEST_DATE
        )
    }

    def get_value(self, dictionary):
        # DRF reads an empty query parameter (`?start=`) as an absent one; the schema's pattern refuses it.
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, value):
        if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN[1:-1], value):
            self.fail("invalid")
        return super().to_internal_value(value)
