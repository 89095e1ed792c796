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


class LookupAnswerForm(DesignSystemForm):
    """A leader's answer to one sampled look-up."""

    part_of_work = forms.ChoiceField(
        label=_("Was this look-up part of the work?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you answer no: what you know of the look-up."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("part_of_work") == "no" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Write what you know of the look-up when you answer no."))
        return cleaned


class ReviewFilterForm(DesignSystemForm):
    state = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Not answered")),
            ("no", _("Answered no")),
            ("yes", _("Answered yes")),
        ],
    )
    week = forms.DateField(
        label=_("Week starting"), required=False, help_text=_("Format: dd.mm.åååå")
    )
