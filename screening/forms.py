from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DayField
from trivsel.forms import DesignSystemForm

from .models import Position


class RoundForm(DesignSystemForm):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None)
    template = forms.ModelChoiceField(label=_("Form"), queryset=None)
    deadline = DayField(label=_("Deadline"))

    def __init__(self, *args, groups, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["template"].queryset = templates


class JointAssessmentForm(DesignSystemForm):
    position = forms.ChoiceField(
        label=_("Agreed position"), choices=Position.choices, widget=forms.RadioSelect
    )
    reflection = forms.CharField(
        label=_("Reflection"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent_summary = forms.CharField(
        label=_("Summary for the parents (plain words, no colours)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    involve_parents = forms.BooleanField(label=_("Involve the parents"), required=False)
