import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from .models import MESSAGE_MAX_LENGTH
from .services import MAX_INVITATIONS


class CallDayForm(forms.Form):
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label="From", initial=dt.time(9, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label="To", initial=dt.time(17, 0), widget=forms.TimeInput(attrs={"type": "time"}))
    message = forms.CharField(
        label="A short message for the email",
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        # The Rally page shows this form beside the "call now" one, which has a `message` field too:
        # its own ids keep each label tied to its own textarea.
        kwargs.setdefault("auto_id", "id_call_day_%s")
        super().__init__(*args, **kwargs)


class CallNowForm(forms.Form):
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Goes to the chapter's members who have not called in this campaign yet.",
    )
    include_me = forms.BooleanField(
        label=gettext_lazy("Include me"),
        required=False,
        help_text=gettext_lazy("Send it to me too, if I have not called in this campaign yet."),
    )


class InvitationForm(forms.Form):
    addresses = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_INVITATIONS * 260,
        help_text=f"One a line (commas work too), up to {MAX_INVITATIONS}.",
    )
