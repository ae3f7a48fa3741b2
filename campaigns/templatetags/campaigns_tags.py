import uuid

import phonenumbers
from django import template

from campaigns.rendering import markdown_to_html
from officials.templatetags.officials_tags import initials

register = template.Library()


@register.filter
def markdown(text):
    return markdown_to_html(text or "")


@register.filter
def phone_display(value: str) -> str:
    """+15737513321 -> 573-751-3321; other countries in international format."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 1:
        digits = str(number.national_number)
        if len(digits) == 10:
            extension = f" ext. {number.extension}" if number.extension else ""
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}{extension}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def tel_href(value: str) -> str:
    """A tel: URL target in E.164 (digits only), so every phone dials it."""
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@register.filter
def party_short(party: str) -> str:
    return {"democrat": "D", "democratic": "D", "republican": "R", "independent": "I"}.get(
        (party or "").strip().lower(), party[:1].upper() if party else ""
    )


# One definition of a name's initials, shared with the officials cards.
register.filter("initials", initials)


@register.simple_tag
def idempotency_key() -> str:
    """A fresh key per rendered button form, so a double tap logs one call."""
    return str(uuid.uuid4())
