import re

from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm

from ..models import InsightDecisionKind


def decision_prefix(entry_key):
    """One form per entry on the page: each with its own field names and ids."""
    return "entry-" + re.sub(r"[^a-z0-9]+", "-", entry_key.lower())


class InsightDecisionForm(DesignSystemForm):
    """The preparer's decision on one entry on the exception path (which entry: the page's
    `entry` field, outside the form's prefix)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=InsightDecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the entry is withheld or disclosed.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Why the entry is withheld (or may be disclosed after all)."),
        error_messages={"required": _("Give the reason for the decision.")},
    )
