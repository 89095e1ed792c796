from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm

from ..forms import (
    ChildHeardFormFields,
    DayField,
    PaperDateMixin,
    consent_period_help,
    paper_date_field,
)
from ..models import TransitionType


class TransitionHandoverForm(ChildHeardFormFields):
    """The professional's part of the handover form. Resources and strengths come first."""

    transition = forms.ChoiceField(label=_("Transition"), choices=TransitionType.choices)
    receiving_unit = forms.TypedChoiceField(
        label=_("Receiving unit"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a unit in your municipality.")},
    )
    transition_date = DayField(label=_("Date of the transition"))
    strengths = forms.CharField(
        label=_("The child's resources and strengths"),
        help_text=_("What the child is good at and enjoys; what makes the child thrive."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    professional_view = forms.CharField(
        label=_("What helps the child, and what to be aware of"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    child_voice = forms.CharField(
        label=_("The child's own voice"),
        help_text=_("What the child says about the change, in the child's own words."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    parents_view = forms.CharField(
        label=_("The parents' own view"),
        help_text=_("The parents can also write this themselves when they answer."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    attach_screening = forms.BooleanField(
        label=_("Attach the latest joint screening assessment (written summary only)"),
        help_text=_("Only sent if the parents consent to it."),
        required=False,
    )
    evaluation_needed = forms.BooleanField(
        label=_("Evaluate the transition with the receiver after a few months"),
        required=False,
    )
    field_order = [
        "transition",
        "receiving_unit",
        "transition_date",
        "strengths",
        "professional_view",
        "child_voice",
        "child_heard",
        "child_heard_note",
    ]

    def __init__(self, *args, units=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["receiving_unit"].choices = [("", _("Choose a unit"))] + [
            (unit.pk, unit.name) for unit in units
        ]
        if editing:
            # The transition, the receiver and what the parents consent to are fixed once made.
            for name in ("transition", "receiving_unit", "attach_screening"):
                del self.fields[name]

    def clean_receiving_unit(self):
        unit = self.units.get(self.cleaned_data["receiving_unit"])
        if unit is None:
            raise forms.ValidationError(_("Choose a unit in your municipality."))
        return unit


class HandoverConsentForm(PaperDateMixin, DesignSystemForm):
    evidence_field = "how"
    guardian = forms.TypedChoiceField(
        label=_("Guardian"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a guardian with custody of the child.")},
    )
    how = forms.ChoiceField(
        label=_("How do the parents answer?"),
        widget=forms.RadioSelect,
        choices=[
            ("login", _("They answer through their own login (and can write their view)")),
            ("paper", _("They consented on paper")),
            ("refused", _("They refused on paper")),
        ],
        initial="login",
    )
    paper_date = paper_date_field()
    valid_until = DayField(label=_("The consent lasts until"))

    def __init__(self, *args, guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.guardians = {g.pk: g for g in guardians}
        self.fields["guardian"].choices = [(g.pk, str(g)) for g in guardians]
        self.fields["valid_until"].help_text = f"{consent_period_help()} {_('Format: dd.mm.åååå')}"

    def clean_guardian(self):
        guardian = self.guardians.get(self.cleaned_data["guardian"])
        if guardian is None:
            raise forms.ValidationError(_("Choose a guardian with custody of the child."))
        return guardian


class HandoverParentForm(DesignSystemForm):
    parents_view = forms.CharField(
        label=_("Your own view as parents"),
        help_text=_(
            "How is your child doing, what is your child good at, what should the new place know?"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    child_voice = forms.CharField(
        label=_("Your child's own words (if you wish)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    answer = forms.ChoiceField(
        label=_("Do you consent to the handover?"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Yes, the handover may be sent as described")),
            ("refuse", _("No, do not send it")),
        ],
    )


class HandoverEnrolForm(DesignSystemForm):
    group = forms.TypedChoiceField(
        label=_("Group or class"), coerce=int, required=False, empty_value=None
    )
    start = DayField(label=_("From"))

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {g.pk: g for g in groups}
        self.fields["group"].choices = [("", _("No group yet"))] + [(g.pk, g.name) for g in groups]

    def clean_group(self):
        pk = self.cleaned_data["group"]
        if pk is None:
            return None
        if pk not in self.groups:
            raise forms.ValidationError(_("Choose a group of the receiving unit."))
        return self.groups[pk]


class SeasonEvaluationForm(DesignSystemForm):
    transition = forms.ChoiceField(label=_("Transition"), choices=TransitionType.choices)
    text = forms.CharField(
        label=_("What went well, and what should we change next time?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
