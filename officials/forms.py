from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ContactPoint, WrongNumberReport


class ZipLookupForm(forms.Form):
    zip = forms.CharField(
        label=_("Your ZIP code"),
        max_length=10,
        help_text=_("5 digits or ZIP+4, for example 65101 or 65101-1234."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 10}),
    )


class WrongNumberReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this number?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('For example "disconnected", "reaches a different office" or "always a full voicemail box".'),
    )


class WrongNumberReportAdminForm(forms.ModelForm):
    """The report, plus the corrected value: saving with one fixes the contact point through the service."""

    corrected_value = forms.CharField(
        required=False,
        max_length=500,
        help_text="The right phone number (any format; saved in E.164) or URL. Leave empty to only change the status.",
    )

    class Meta:
        model = WrongNumberReport
        fields = ["status", "resolution_note"]

    def clean_corrected_value(self):
        value = self.cleaned_data["corrected_value"].strip()
        if value and self.instance.contact_point.kind in (ContactPoint.Kind.PHONE, ContactPoint.Kind.FAX):
            from .phones import InvalidPhoneNumber, phone_normalise

            try:
                return phone_normalise(value)
            except InvalidPhoneNumber as exc:
                raise forms.ValidationError(f"Not a valid phone number: {exc}") from None
        return value


class IncomingOfficeholderAdminForm(forms.ModelForm):
    """Staff enter a winner before any source has them; checked here so a bad value is a form error."""

    class Meta:
        from .models import IncomingOfficeholder

        model = IncomingOfficeholder
        fields = ["office", "name", "party", "first_day", "photo_url", "phone", "contact_form", "email"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter the officeholder's name.")
        return name

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return value
        from .phones import InvalidPhoneNumber, phone_normalise

        try:
            return phone_normalise(value)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(f"Not a valid phone number: {exc}") from None

    def clean_office(self):
        office = self.cleaned_data["office"]
        if office.is_organisation:
            raise forms.ValidationError("An organisation has no officeholder; pick a seat.")
        return office
