from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm


class CodeForm(DesignSystemForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        error_messages={"required": _("Type the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class VerifyForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your app or a recovery code")
        self.fields["code"].widget.attrs["autofocus"] = True


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("The six-digit code the app shows")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
