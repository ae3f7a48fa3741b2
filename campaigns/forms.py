from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from officials.models import Office, OfficeRole
from tallies.call_input import IDEMPOTENCY_KEY_RE, MAX_ID, MAX_IDEMPOTENCY_KEY_LENGTH, MAX_NOTE_LENGTH
from tallies.models import Outcome
from targetlists.models import TargetList

from .models import Action, Campaign, Category, TargetListMode

ROLE_CHOICES = [
    (value, label)
    for value, label in OfficeRole.choices
    if value not in (OfficeRole.ORGANISATION, OfficeRole.LIST_TARGET)
]


class LocationForm(forms.Form):
    zip_code = forms.CharField(
        label=_("Your ZIP code"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "placeholder": "65101"}),
    )
    district = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class CallLogForm(forms.Form):
    """The call page's form: the limits and the key rule are the API's (tallies.call_input)."""

    action = forms.IntegerField(min_value=1, max_value=MAX_ID)
    office = forms.IntegerField(min_value=1, max_value=MAX_ID)
    outcome = forms.ChoiceField(choices=Outcome.choices)
    note = forms.CharField(required=False, max_length=MAX_NOTE_LENGTH)
    idempotency_key = forms.CharField(
        required=False,
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        validators=[RegexValidator(IDEMPOTENCY_KEY_RE, message=_("Reload the page and try again."))],
    )
    # The number whose tel: link the caller followed (set by campaigns.js; empty without it).
    contact_point = forms.IntegerField(required=False, min_value=1)
    share_note = forms.BooleanField(required=False)
    sign_note = forms.BooleanField(required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What did the office say?")}),
        help_text=_("Short and factual: what the staffer said, the AG's position, a line that was busy."),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.ModelForm):
    slug = forms.SlugField(
        required=False, max_length=200, help_text=_("The web address. Leave empty to make one from the title.")
    )
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "title_es",
            "slug",
            "summary",
            "summary_es",
            "background",
            "background_es",
            "starts_at",
            "ends_at",
            "call_goal",
            "categories",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 12}),
            "summary_es": forms.Textarea(attrs={"rows": 2, "lang": "es"}),
            "background_es": forms.Textarea(attrs={"rows": 12, "lang": "es"}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
        }
        help_texts = {"background": _("Markdown: **bold**, *italic*, [links](https://example.org), lists, > quotes.")}


class CampaignCreateForm(CampaignForm):
    chapter = forms.ModelChoiceField(queryset=None, empty_label=None)

    class Meta(CampaignForm.Meta):
        fields = ["chapter", *CampaignForm.Meta.fields]

    def __init__(self, *args, chapters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = chapters


class ActionForm(forms.ModelForm):
    target_roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Call or write to the caller's own"),
        help_text=_("Resolved from each caller's ZIP code."),
    )
    target_offices = forms.ModelMultipleChoiceField(
        queryset=Office.objects.organisations().filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Fixed targets"),
        help_text=_("The same for every caller, such as the Department of Justice."),
    )

    class Meta:
        model = Action
        fields = [
            "kind",
            "position",
            "title",
            "title_es",
            "instructions",
            "instructions_es",
            "script",
            "script_es",
            "voicemail_script",
            "voicemail_script_es",
            "target_roles",
            "target_offices",
            "target_list",
            "target_list_mode",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "script": forms.Textarea(attrs={"rows": 10}),
            "voicemail_script": forms.Textarea(attrs={"rows": 3}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "instructions_es": forms.Textarea(attrs={"rows": 3, "lang": "es"}),
            "script_es": forms.Textarea(attrs={"rows": 10, "lang": "es"}),
            "voicemail_script_es": forms.Textarea(attrs={"rows": 3, "lang": "es"}),
        }
        help_texts = {
            "script": _(
                "Plain text with placeholders such as [OFFICIAL NAME], [YOUR NAME], [CITY, ZIP]. "
                "See the placeholder guide below."
            ),
            "voicemail_script": _("What to say when the call goes to voicemail (calls only)."),
            "script_es": _("The same placeholders as the English script. Empty: Spanish readers get the English one."),
        }

    def __init__(self, *args, chapter=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the campaign's own chapter's lists: a list belongs to its chapter.
        lists = TargetList.objects.filter(chapter=chapter) if chapter is not None else TargetList.objects.none()
        self.fields["target_list"].queryset = lists.order_by("name")
        self.fields["target_list"].label = _("Target list")
        self.fields["target_list"].empty_label = _("No target list")
        self.fields["target_list"].help_text = _("One of your chapter's own lists (Chapter → Target lists).")
        self.fields["target_list_mode"].label = _("Whom on the list")
        self.fields["target_list_mode"].widget = forms.RadioSelect(choices=TargetListMode.choices)
        self.fields["target_list_mode"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("target_roles") and not data.get("target_offices") and not data.get("target_list"):
            raise forms.ValidationError(_("Pick at least one office role, fixed target or target list."))
        data["target_list_mode"] = data.get("target_list_mode") or TargetListMode.ALL
        return data
