from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm

from .models import Action, Basis


class AccessLogFilterForm(DesignSystemForm):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All"))] + Action.choices
    )
    basis = forms.ChoiceField(
        label=_("Basis"), required=False, choices=[("", _("All"))] + Basis.choices
    )
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    since = forms.DateField(label=_("From date"), required=False, help_text=_("Format: dd.mm.åååå"))
    until = forms.DateField(label=_("To date"), required=False, help_text=_("Format: dd.mm.åååå"))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return cleaned
