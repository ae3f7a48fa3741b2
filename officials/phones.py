"""Phone numbers: stored in E.164, shown in the national format, dialled through tel: links."""

import phonenumbers


class InvalidPhoneNumber(ValueError):
    pass


def phone_normalise(raw: str, *, region: str = "US") -> str:
    """E.164 for a number such as "573-751-3321" or "(202) 224-3121 ext. 5"; InvalidPhoneNumber otherwise."""
    raw = (raw or "").strip()
    if not raw:
        raise InvalidPhoneNumber("empty")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
