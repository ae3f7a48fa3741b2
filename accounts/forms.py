from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import TIME_ZONE_CHOICES, ZIP_CODE_VALIDATOR, User
from .time_zones import is_canonical, zone_display_name


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named in the page's language ("Chicago · hora central"), in that order. Old aliases
        # (US/Central, America/Atka) read like the zone they point at, so they are left out,
        # unless the volunteer's saved zone is one.
        current = (self.initial or {}).get("time_zone") or self.data.get("time_zone")
        choices = [(tz, zone_display_name(tz)) for tz, _label in TIME_ZONE_CHOICES if tz == current or is_canonical(tz)]
        self.fields["time_zone"].choices = sorted(choices, key=lambda c: (c[0] != "UTC", c[1].casefold()))


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
