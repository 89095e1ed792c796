from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm
from trivsel.organisation.models import Role

from .cpr import cpr_normalise
from .models import (
    CONSENT_KINDS,
    EXCHANGE_FOLLOW_UP_WITHIN_DAYS,
    EXCHANGE_MAX_DAYS_AHEAD,
    ChildHeard,
    LadderStep,
    child_heard_required,
)


class ChildSearchForm(DesignSystemForm):
    q = forms.CharField(
        label=_("Search by name or CPR number"),
        required=False,
        max_length=100,
        help_text=_("A CPR number finds only an exact match."),
    )
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All my children"))] + [
            (g.pk, str(g)) for g in groups
        ]

    def clean_q(self):
        term = self.cleaned_data["q"].strip()
        digits = term.replace("-", "").replace(" ", "")
        if digits.isdigit() and len(digits) >= 6:
            # Anything number-like is a CPR search, and only an exact, valid number is searched.
            try:
                self._cpr = cpr_normalise(digits)
            except ValueError:
                raise forms.ValidationError(
                    _(
                        "That is not a valid CPR number. Write all ten digits: "
                        "the birth date (DDMMYY) and four more."
                    )
                ) from None
        return term

    def cpr_term(self):
        """The ten digits when the search was a CPR number, else None."""
        return getattr(self, "_cpr", None)


class DayField(forms.DateField):
    """A date a person types as dd.mm.åååå, within a sensible range (no year 9999)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput())
        kwargs.setdefault("help_text", _("Format: dd.mm.åååå"))
        super().__init__(**kwargs)

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not 1900 <= day.year <= 2100:
            raise forms.ValidationError(_("Enter a date between the years 1900 and 2100."))
        return day


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format="%d.%m.%Y",
            attrs={"class": "form-input", "inputmode": "numeric", "autocomplete": "off"},
            **kwargs,
        )


def consent_period_help():
    return _(
        "A consent lasts at most %(months)s months from the day it starts; ask again after that."
    ) % {"months": settings.CONSENT_MAX_MONTHS}


class PaperDateMixin:
    """The date on a paper consent: required when staff record one, never in the future."""

    paper_choice = "paper"
    evidence_field = "evidence"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(self.evidence_field) == self.paper_choice:
            day = cleaned.get("paper_date")
            if day is None and "paper_date" not in self.errors:
                self.add_error("paper_date", _("Enter the date written on the paper consent."))
            elif day is not None and day > timezone.localdate():
                self.add_error(
                    "paper_date", _("The date of the paper consent cannot be in the future.")
                )
        return cleaned


def paper_date_field(**kwargs):
    field = DayField(
        label=_("Date of the paper consent"),
        required=False,
        help_text=_(
            "The date the guardian wrote on the paper, or the day they gave it in person. "
            "Format: dd.mm.åååå"
        ),
        **kwargs,
    )
    # Not optional, only not always asked: the label says when (templates/includes/field.html).
    field.required_when = _("only when given on paper")
    return field


class ConsentForm(PaperDateMixin, DesignSystemForm):
    giver = forms.ChoiceField(label=_("Given by"))
    # Never notifications: only the statutory basis reaches them.
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of information"),
        choices=[(kind.value, kind.label) for kind in CONSENT_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    recipient_units = forms.ModelMultipleChoiceField(
        label=_("Recipient units"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_roles = forms.MultipleChoiceField(
        label=_("Recipient roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only together with units: the people with these roles in those units."),
    )
    recipient_people = forms.ModelMultipleChoiceField(
        label=_("Named recipients"),
        queryset=None,
        required=False,
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    valid_from = DayField(
        label=_("Valid from"), widget=DateInput(), help_text=_("Format: dd.mm.åååå")
    )
    valid_until = DayField(label=_("Valid until"), widget=DateInput())
    evidence = forms.ChoiceField(
        label=_("How is the consent given?"),
        choices=[
            ("paper", _("The guardian has signed on paper (I record it now)")),
            ("login", _("The guardian (or the young person) confirms through their own login")),
            ("refused", _("The guardian refused (record the refusal)")),
        ],
        widget=forms.RadioSelect,
        initial="paper",
    )
    paper_date = paper_date_field()

    def __init__(self, *args, child, guardians, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"guardian-{g.pk}", str(g)) for g in guardians]
        if child.age_on(timezone.localdate()) >= child.municipality.own_consent_age:
            choices.append(("child", _("The young person themself")))
        self.fields["giver"].choices = choices
        self.fields["recipient_units"].queryset = units
        self.fields["recipient_people"].queryset = people
        self.fields["valid_until"].help_text = f"{consent_period_help()} {_('Format: dd.mm.åååå')}"
        self.guardians = {f"guardian-{g.pk}": g for g in guardians}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recipient_roles") and not cleaned.get("recipient_units"):
            self.add_error(
                "recipient_roles",
                _(
                    "A role names recipients only within units: choose the units as well, or "
                    "name the people."
                ),
            )
        return cleaned

    def giver_guardian(self):
        return self.guardians.get(self.cleaned_data["giver"])


class ChildHeardFormFields(DesignSystemForm):
    """Whether and how the child was heard (Barnets lov § 5). Required from the age the child's
    municipality sets (the service checks it again: cases.services.heard)."""

    child_heard = forms.ChoiceField(
        label=_("Was the child heard? (Barnets lov § 5)"),
        choices=ChildHeard.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    child_heard_note = forms.CharField(
        label=_("How the child was heard, or why not"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        if child is not None and child_heard_required(child, timezone.localdate()):
            self.fields["child_heard"].required = True
            self.fields["child_heard"].error_messages["required"] = _(
                "Record whether the child was heard (Barnets lov § 5)."
            )


class OwnViewForm(DesignSystemForm):
    """The young person's own words ("den unges egne ord") in a plan or a handover."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("In your own words"),
        help_text=_("What you think yourself: the staff and your parents read it."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        required=False,
    )


PLAN_FIELD_ORDER = ["title", "goal", "child_view", "child_heard", "child_heard_note"]


class PlanFields(ChildHeardFormFields):
    """The shared plan's fields, used when a forløb is opened and when its plan is edited."""

    field_order = PLAN_FIELD_ORDER

    title = forms.CharField(label=_("Title"), max_length=200)
    goal = forms.CharField(
        label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    child_view = forms.CharField(
        label=_("The child's own view"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parents_view = forms.CharField(
        label=_("The parents' view"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ladder_step = forms.ChoiceField(
        label=_("Step on the intervention ladder"), choices=LadderStep.choices
    )
    review_date = DayField(
        label=_("Review date"), widget=DateInput(), help_text=_("Format: dd.mm.åååå")
    )


class TovholderFields(DesignSystemForm):
    tovholder = forms.ModelChoiceField(label=_("Tovholder"), queryset=None)
    backup = forms.ModelChoiceField(label=_("Backup tovholder"), queryset=None, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tovholder"].queryset = people
        self.fields["backup"].queryset = people

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("backup") and cleaned.get("backup") == cleaned.get("tovholder"):
            self.add_error("backup", _("The backup must be someone else than the tovholder."))
        return cleaned


class ForlobForm(TovholderFields, PlanFields):
    field_order = ["title", "tovholder", "backup", *PLAN_FIELD_ORDER[1:]]


class HandOverForm(TovholderFields):
    pass


class PlanForm(PlanFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    sub_goals = forms.CharField(
        label=_("Sub-goals per actor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, as “who: sub-goal”."),
    )

    def clean_sub_goals(self):
        pairs = []
        for line in self.cleaned_data["sub_goals"].splitlines():
            if not line.strip():
                continue
            who, sep, text = line.partition(":")
            if not sep or not who.strip() or not text.strip():
                raise forms.ValidationError(
                    _("Write each sub-goal as “who: sub-goal” on its own line.")
                )
            pairs.append((who.strip()[:150], text.strip()))
        return pairs


class InvolvementForm(DesignSystemForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    role = forms.CharField(label=_("Role"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    start = DayField(label=_("From"), widget=DateInput(), help_text=_("Format: dd.mm.åååå"))
    end = DayField(
        label=_("To"), widget=DateInput(), required=False, help_text=_("Format: dd.mm.åååå")
    )

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("unit"):
            raise forms.ValidationError(_("Name the person or the unit that is involved."))
        if cleaned.get("end") and cleaned.get("start") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned


class ExchangeForm(DesignSystemForm):
    purpose = forms.CharField(label=_("Purpose of the meeting"), max_length=300)
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=None)
    meeting_date = DayField(label=_("Meeting date"), widget=DateInput())
    follow_up_date = DayField(label=_("Follow-up meeting"), widget=DateInput(), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        self.fields["participants"].help_text = _(
            "Only professionals from the fields the law names: daycare, school, SFO, health "
            "visiting, municipal health and the social-work side."
        )
        self.fields["meeting_date"].help_text = _(
            "Today or within the next %(days)s days. Format: dd.mm.åååå"
        ) % {"days": EXCHANGE_MAX_DAYS_AHEAD}
        self.fields["follow_up_date"].help_text = _(
            "Only in special cases, at most one, and within %(days)s days of the first meeting."
        ) % {"days": EXCHANGE_FOLLOW_UP_WITHIN_DAYS}


class CloseForlobForm(DesignSystemForm):
    decision = forms.CharField(
        label=_("Decision to close, or who takes over"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
