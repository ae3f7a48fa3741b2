from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import TIME_ZONE_CHOICES, ZIP_CODE_VALIDATOR, User


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=150, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        required=False,
        validators=[ZIP_CODE_VALIDATOR],
        help_text=_("5 digits or ZIP+4, for example 65101 or 65101-1234. It finds your officials."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 10}),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    reminder_frequency = forms.ChoiceField(
        label=_("Reminder emails"), choices=User.ReminderFrequency.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
        help_text=_("Pages and reminder emails use it."),
    )
    call_now_emails = forms.BooleanField(
        label=_("“Call now” messages from my chapters' leads"),
        required=False,
        help_text=_("A short email when a lead asks the chapter to call today (at most one a day per campaign)."),
    )


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use it, for example “phone app” or “chapter spreadsheet”."),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
