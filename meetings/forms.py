from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DayField, PaperDateMixin, consent_period_help, paper_date_field
from cases.models import ChildHeard
from trivsel.forms import DesignSystemForm
from trivsel.organisation.models import User

from .models import AgendaKind, ParticipantKind


class TimeField(forms.TimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TimeInput(
                format="%H:%M",
                attrs={"class": "form-input", "inputmode": "numeric", "autocomplete": "off"},
            ),
        )
        kwargs.setdefault("help_text", _("Format: tt:mm"))
        kwargs.setdefault("input_formats", ["%H:%M", "%H.%M"])
        super().__init__(**kwargs)


class _WhenMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("day") and cleaned.get("time"):
            cleaned["starts_at"] = timezone.make_aware(
                datetime.combine(cleaned["day"], cleaned["time"])
            )
        return cleaned


class _StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class NetworkMeetingForm(_WhenMixin, DesignSystemForm):
    child = forms.ModelChoiceField(label=_("Child"), queryset=None)
    purpose = forms.CharField(
        label=_("Purpose of the meeting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the meeting should lead to. The parents consent to this purpose."),
    )
    day = DayField(label=_("Date"))
    time = TimeField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200)
    tovholder = _StaffChoice(
        label=_("Tovholder"),
        queryset=None,
        help_text=_(
            "Coordinates, follows up on the decisions and makes sure the parents are "
            "told of every decision."
        ),
    )

    def __init__(self, *args, children, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["tovholder"].queryset = people


class ForumMeetingForm(_WhenMixin, DesignSystemForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    day = DayField(label=_("Date"))
    time = TimeField(label=_("Time"))
    place = forms.CharField(label=_("Place"), max_length=200)
    tovholder = _StaffChoice(label=_("Tovholder"), queryset=None)
    chair = _StaffChoice(label=_("Chair"), queryset=None, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tovholder"].queryset = people
        self.fields["chair"].queryset = people


class ParticipantForm(DesignSystemForm):
    kind = forms.ChoiceField(label=_("Taking part as"), choices=ParticipantKind.choices)
    user = _StaffChoice(label=_("Staff member"), queryset=None, required=False)
    guardian = forms.ModelChoiceField(label=_("Guardian"), queryset=None, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("For the child, a support person or an external person."),
    )
    role = forms.CharField(label=_("Role"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail for the invitation"), required=False)

    def __init__(self, *args, people, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["guardian"].queryset = guardians


class NetworkConsentForm(PaperDateMixin, DesignSystemForm):
    guardian = forms.ModelChoiceField(label=_("Guardian giving consent"), queryset=None)
    evidence = forms.ChoiceField(
        label=_("How the consent is given"),
        choices=[
            ("paper", _("On paper or in person: takes effect now")),
            ("login", _("Send to the guardian to confirm with their own login")),
            ("refused", _("The guardian refused")),
        ],
        widget=forms.RadioSelect,
        initial="paper",
    )
    paper_date = paper_date_field()

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians


class ForumConsentForm(PaperDateMixin, DesignSystemForm):
    child = forms.ModelChoiceField(label=_("Child"), queryset=None)
    guardian = forms.ModelChoiceField(label=_("Guardian giving consent"), queryset=None)
    valid_until = DayField(label=_("Valid until"))
    purpose = forms.CharField(
        label=_("What the forum is to discuss"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = NetworkConsentForm.base_fields["evidence"]
    paper_date = paper_date_field()

    def __init__(self, *args, children, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["guardian"].queryset = guardians
        self.fields["valid_until"].help_text = f"{consent_period_help()} {_('Format: dd.mm.åååå')}"

    def clean(self):
        data = super().clean()
        child, guardian = data.get("child"), data.get("guardian")
        if child and guardian and not guardian.guardianship_set.filter(child=child).exists():
            self.add_error("guardian", _("Choose one of the child's guardians."))
        return data


class AgendaItemForm(DesignSystemForm):
    kind = forms.ChoiceField(
        label=_("The item is about"), choices=AgendaKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    child = forms.ModelChoiceField(label=_("Child"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("Class or group"), queryset=None, required=False)
    confirmed = forms.BooleanField(
        label=_("I have checked the text: it may be saved as it is"), required=False
    )

    def __init__(self, *args, children, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["group"].queryset = groups


SECTION_WIDGET = forms.Textarea(attrs={"rows": 4})


def _section(label, **kwargs):
    """One section of the minutes: free text, may be empty."""
    options = {"required": False, "widget": SECTION_WIDGET, "max_length": 20000, **kwargs}
    return forms.CharField(label=label, **options)


class MinutesForm(DesignSystemForm):
    lock = forms.IntegerField(widget=forms.HiddenInput)
    going_well = _section(_("What is going well"))
    challenges = _section(_("The challenges"))
    options = _section(_("The options"))
    agreements = _section(_("Concrete agreements"))
    assessment = _section(_("Assessments"))
    child_view = _section(_("The child's own view"))
    child_heard = forms.ChoiceField(
        label=_("Was the child heard? (Barnets lov § 5)"),
        choices=ChildHeard.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    child_heard_note = _section(
        _("How the child was heard, or why not"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    parents_view = _section(_("The parents' view"))
    evaluation = _section(_("What was good about the meeting"))
    next_meeting = DayField(label=_("Next meeting or review date"), required=False)
    next_meeting_note = _section(
        _("About the next meeting"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    internal_notes = _section(
        _("Internal notes"), help_text=_("For the professionals only: never in the parents' copy.")
    )

    def __init__(self, *args, about_a_child=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not about_a_child:
            # A forum meeting discusses several children (or none): no one child to hear here.
            del self.fields["child_heard"]
            del self.fields["child_heard_note"]


class DecisionForm(DesignSystemForm):
    text = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionItemForm(DesignSystemForm):
    what = forms.CharField(label=_("What"), max_length=300)
    owner = _StaffChoice(label=_("Who (staff)"), queryset=None, required=False)
    owner_name = forms.CharField(
        label=_("Or who (parent or other)"), max_length=150, required=False
    )
    due_date = DayField(label=_("By when"), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else User.objects.none()


class NewVersionForm(DesignSystemForm):
    reason = forms.CharField(
        label=_("Why are the minutes corrected?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HandOverForm(DesignSystemForm):
    tovholder = _StaffChoice(label=_("New tovholder"), queryset=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tovholder"].queryset = people


class _ParticipantChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.role})"


class AttendanceForm(DesignSystemForm):
    present = _ParticipantChoice(
        label=_("Who was present at the meeting?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone not ticked is recorded as absent."),
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = participants


class ConfirmForm(DesignSystemForm):
    # The content version of the minutes the page showed: a confirmation is of those words.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


DAY_ERRORS = {"invalid": _("Write the date as dd.mm.åååå, for example 24.06.2026.")}


class MeetingSearchForm(DesignSystemForm):
    """The search among held meetings (GET): a period and, for staff, one of their forums."""

    since = DayField(label=_("From date"), required=False, error_messages=DAY_ERRORS)
    until = DayField(label=_("To date"), required=False, error_messages=DAY_ERRORS)
    forum = forms.TypedChoiceField(label=_("Forum"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, forums=(), **kwargs):
        super().__init__(*args, **kwargs)
        if forums:
            self.fields["forum"].choices = [("", _("All"))] + [(f.pk, f.name) for f in forums]
        else:
            del self.fields["forum"]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self):
        """The selector's keyword arguments: none for a search that does not validate."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"since": data["since"], "until": data["until"], "forum_id": data.get("forum")}
