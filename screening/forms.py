from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DayField
from trivsel.forms import DesignSystemForm
from trivsel.organisation.models import User

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
    action_title = forms.CharField(label=_("Decided action"), required=False, max_length=300)
    action_owner = forms.ModelChoiceField(label=_("Who"), queryset=None, required=False)
    action_due = DayField(label=_("By when"), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_owner"].queryset = people if people is not None else User.objects.none()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action_title") and not (
            cleaned.get("action_owner") and cleaned.get("action_due")
        ):
            raise forms.ValidationError(_("A decided action needs an owner and a due date."))
        return cleaned


class RoundPlanForm(DesignSystemForm):
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    template = forms.ModelChoiceField(label=_("Form"), queryset=None)
    deadlines = forms.CharField(
        label=_("Deadlines"),
        help_text=_("Dates separated by commas, e.g. 15.01.2027, 15.04.2027, 15.10.2027"),
    )

    def __init__(self, *args, groups, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
        self.fields["template"].queryset = templates

    def clean_deadlines(self):
        field = DayField()
        days = []
        for text in self.cleaned_data["deadlines"].split(","):
            if text.strip():
                try:
                    days.append(field.clean(text.strip()))
                except forms.ValidationError:
                    raise forms.ValidationError(
                        _("“%(text)s” is not a date. Write dates as dd.mm.åååå.")
                        % {"text": text.strip()}
                    ) from None
        if not days:
            raise forms.ValidationError(_("Write at least one deadline."))
        return days
