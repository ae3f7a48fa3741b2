from django import forms
from django.utils.translation import gettext_lazy as _


class TargetListUploadForm(forms.Form):
    """A CSV file, or its text pasted (the preview puts the text here, for fixing a row in place)."""

    name = forms.CharField(label=_("List name"), max_length=200, required=False)
    file = forms.FileField(label=_("CSV file"), required=False, help_text=_("UTF-8, comma or semicolon separated."))
    text = forms.CharField(
        label=_("Or paste the CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "csv-text"}),
        strip=False,
    )
    # The digest of the text the lead saw in the preview: a confirm imports exactly that.
    digest = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, needs_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_name:
            del self.fields["name"]
        else:
            self.fields["name"].required = True


class TargetListRenameForm(forms.Form):
    name = forms.CharField(label=_("List name"), max_length=200)


class TargetListChoiceForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
