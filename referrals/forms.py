import time
from datetime import datetime

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import DayField, PaperDateMixin, consent_period_help, paper_date_field
from cases.models import CONSENT_KINDS, DataKind
from meetings.forms import TimeField, _StaffChoice, _WhenMixin
from trivsel.forms import DesignSystemForm

from .models import (
    RECORDED_CHANNELS,
    Category,
    Channel,
    ChildHeard,
    Delivery,
    Notifier,
    Outcome,
    Proposal,
    Triage,
)

# The public form refuses answers sent faster than a person can fill it in (spam protection
# without any outside service).
MIN_FILL_SECONDS = 3
_SIGNING_SALT = "referrals.public-form"

_required = {"required": _("This field is required.")}


def _text(label, *, required=True, max_length=4000, rows=None, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        help_text=help_text,
        error_messages=_required,
    )


def _category():
    return forms.ChoiceField(
        label=_("What is the concern about?"),
        choices=[("", "—"), *Category.choices],
        error_messages={**_required, "invalid_choice": _("Choose one of the categories.")},
    )


def _violence():
    return forms.BooleanField(
        label=_("I suspect violence or sexual abuse against the child"),
        required=False,
        help_text=_("Then the parents are not told about the notification beforehand."),
    )


class _ChoicesGiven:
    """Fields whose choices the view gives, as keyword arguments named in `choices_given`
    ({field: argument}): the children, units or staff the user may choose from."""

    choices_given = {}

    def __init__(self, *args, **kwargs):
        given = {field: kwargs.pop(argument) for field, argument in self.choices_given.items()}
        super().__init__(*args, **kwargs)
        for field, queryset in given.items():
            self.fields[field].queryset = queryset


class PublicNotificationForm(DesignSystemForm):
    anonymous = forms.BooleanField(label=_("I want to be anonymous"), required=False)
    name = _text(_("Your name"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail (for a receipt)"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    phone = _text(_("Your phone number"), required=False, max_length=30)
    child_name = _text(_("The child's name"), max_length=200)
    child_cpr = _text(_("The child's CPR number, if you know it"), required=False, max_length=11)
    child_address = _text(_("The child's address, if you know it"), required=False, max_length=300)
    category = _category()
    text = _text(_("Describe what you have seen or heard"), rows=6)
    suspected_violence = _violence()
    # Spam protection: a field people never see (bots fill it in) and the time it was opened.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=_SIGNING_SALT)

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]

    def clean(self):
        cleaned = super().clean()
        try:
            started = signing.loads(cleaned.get("started") or "", salt=_SIGNING_SALT)
        except signing.BadSignature:
            started = None
        if cleaned.get("website") or started is None or time.time() - started < MIN_FILL_SECONDS:
            self.spam = True
            raise forms.ValidationError(
                _("The form could not be sent. Please check your answers and send it again.")
            )
        if not cleaned.get("anonymous") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Write your name, or choose to be anonymous."))
        return cleaned

    def renew_started(self):
        """A new start time for the form that comes back (keeps every answer)."""
        data = self.data.copy()
        data["started"] = signing.dumps(time.time() - MIN_FILL_SECONDS, salt=_SIGNING_SALT)
        self.data = data


class ProfessionalNotificationForm(_ChoicesGiven, DesignSystemForm):
    child = forms.ModelChoiceField(
        label=_("The child"),
        queryset=None,
        required=False,
        help_text=_("One of the children you work with."),
    )
    child_name_given = _text(
        _("Or the child's name, if the child is not on the list"), required=False, max_length=200
    )
    unit = forms.ModelChoiceField(
        label=_("Your unit"),
        queryset=None,
        error_messages={**_required, "invalid_choice": _("Choose one of your own units.")},
    )
    category = _category()
    text = _text(_("Describe your concern and what you have seen"), rows=6)
    suspected_violence = _violence()

    choices_given = {"child": "children", "unit": "units"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].error_messages["invalid_choice"] = _(
            "Choose one of the children you work with."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("child") and not (cleaned.get("child_name_given") or "").strip():
            self.add_error("child", _("Choose the child, or write the child's name."))
        return cleaned


class RecordNotificationForm(DesignSystemForm):
    """A notification the intake writes down: who notified apart from how it came, and when the
    municipality received it."""

    notifier_kind = forms.ChoiceField(
        label=_("Who notified?"),
        choices=Notifier.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A professional (e.g. a doctor, the police, a teacher) gets a receipt and is told "
            "whether the notification led to an investigation or measures; a named citizen gets "
            "a receipt."
        ),
        error_messages={**_required, "invalid_choice": _("Choose who notified.")},
    )
    channel = forms.ChoiceField(
        label=_("How was it received?"),
        choices=[("", "—"), *[(c, Channel(c).label) for c in RECORDED_CHANNELS]],
        error_messages={
            **_required,
            "invalid_choice": _("Choose how the notification was received."),
        },
    )
    received_day = DayField(label=_("Received on"), error_messages=_required)
    received_time = TimeField(label=_("Received at (time)"), error_messages=_required)
    notifier_name = _text(_("The notifier's name"), required=False, max_length=200)
    notifier_role = _text(_("The notifier's role"), required=False, max_length=150)
    notifier_workplace = _text(
        _("The notifier's workplace"),
        required=False,
        max_length=200,
        help_text=_("For a professional: e.g. the police, a hospital ward, a GP's practice."),
    )
    notifier_email = forms.EmailField(
        label=_("The notifier's e-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
    )
    notifier_phone = _text(_("The notifier's phone number"), required=False, max_length=30)
    child_name_given = _text(_("The child's name"), max_length=200)
    category = _category()
    text = _text(_("What the notifier told"), rows=6)
    suspected_violence = _violence()

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.pop("received_day", None), cleaned.pop("received_time", None)
        if day and at:
            cleaned["received_at"] = timezone.make_aware(datetime.combine(day, at))
        return cleaned


class DeliveryForm(DesignSystemForm):
    """How a receipt or the feedback is sent: the ways this notifier can be reached."""

    via = forms.ChoiceField(
        label=_("How is it sent?"),
        widget=forms.RadioSelect,
        error_messages={**_required, "invalid_choice": _("Choose how it is sent.")},
    )

    def __init__(self, *args, ways, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["via"].choices = [(way, Delivery(way).label) for way in ways]
        self.fields["via"].initial = ways[0]


# The bisidder: yes, no, or not decided (None); the form's values, and what they stand for.
_BISIDDER = {"yes": True, "no": False}


class ChildVoiceForm(DesignSystemForm):
    """The child's voice and the bisidder (Barnets lov §§ 5–6), on a notification, its
    investigation or a dialogue meeting."""

    child_heard = forms.ChoiceField(
        label=_("Was the child heard?"),
        choices=ChildHeard.choices,
        widget=forms.RadioSelect,
        error_messages={**_required, "invalid_choice": _("Choose whether the child was heard.")},
    )
    child_heard_note = _text(
        _("How the child was heard, or why not"),
        required=False,
        rows=3,
        help_text=_(
            "How: a conversation, with whom and where. Not heard: the reason, e.g. the child's"
            " age or maturity."
        ),
    )
    bisidder_present = forms.TypedChoiceField(
        label=_("Did a bisidder take part?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("Not decided yet"))],
        coerce=_BISIDDER.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose whether a bisidder took part.")},
    )

    @classmethod
    def initial_of(cls, target, prefix=""):
        """The form's initial values from what is recorded on `target` (fields named with
        `prefix`, e.g. "investigation_")."""
        bisidder = getattr(target, f"{prefix}bisidder_present")
        return {
            "child_heard": getattr(target, f"{prefix}child_heard"),
            "child_heard_note": getattr(target, f"{prefix}child_heard_note"),
            "bisidder_present": {True: "yes", False: "no"}.get(bisidder, ""),
        }


class ReviewForm(DesignSystemForm):
    """The 3-month review: done, and whether the investigation's 4-month deadline is at risk
    (the department head is then told)."""

    at_risk = forms.BooleanField(
        label=_("The 4-month deadline of the investigation is at risk"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )


class AssessForm(DesignSystemForm):
    triage = forms.ChoiceField(
        label=_("Urgency of the notification"),
        help_text=_("Not a screening position: this is how fast the intake must act."),
        choices=Triage.choices,
        widget=forms.RadioSelect,
        error_messages={**_required, "invalid_choice": _("Choose the urgency.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Not decided yet")), *Outcome.choices],
        error_messages={"invalid_choice": _("Choose one of the outcomes.")},
    )
    note = _text(_("Assessment"), required=False, rows=4)


class AssignForm(_ChoicesGiven, DesignSystemForm):
    caseworker = _StaffChoice(
        label=_("Caseworker"),
        queryset=None,
        error_messages={
            **_required,
            "invalid_choice": _("Choose one of the intake's caseworkers."),
        },
    )

    choices_given = {"caseworker": "caseworkers"}


class MatchChildForm(DesignSystemForm):
    cpr = _text(_("The child's CPR number"), max_length=11, help_text=_("Format: DDMMÅÅ-XXXX"))


class DialogueStartForm(_ChoicesGiven, DesignSystemForm):
    child = forms.ModelChoiceField(label=_("The child"), queryset=None, error_messages=_required)
    unit = forms.ModelChoiceField(label=_("Your unit"), queryset=None, error_messages=_required)
    category = _category()
    parents_conversation = _text(_("The conversation with the parents"), rows=5)
    parents_agreed = forms.BooleanField(
        label=_("The parents agree to a dialogue-based notification"), required=False
    )
    suspected_violence = _violence()

    choices_given = {"child": "children", "unit": "units"}


class DialogueInviteForm(_ChoicesGiven, _WhenMixin, DesignSystemForm):
    social_worker = _StaffChoice(label=_("Social worker"), queryset=None, error_messages=_required)
    day = DayField(label=_("Day"), error_messages=_required)
    time = TimeField(label=_("Time"), error_messages=_required)
    place = _text(_("Place"), max_length=200)

    choices_given = {"social_worker": "caseworkers"}


class ReferralChildForm(_ChoicesGiven, DesignSystemForm):
    """First step: which child (the consent is then asked of that child's guardians)."""

    barn = forms.ModelChoiceField(
        label=_("The child"),
        queryset=None,
        error_messages={
            **_required,
            "invalid_choice": _("Choose one of the children you work with."),
        },
    )

    choices_given = {"barn": "children"}


class ReferralForm(_ChoicesGiven, PaperDateMixin, DesignSystemForm):
    from_unit = forms.ModelChoiceField(label=_("From"), queryset=None, error_messages=_required)
    to_unit = forms.ModelChoiceField(label=_("To"), queryset=None, error_messages=_required)
    reason = _text(_("What the referral is about"), rows=5)
    proposal = forms.ChoiceField(
        label=_("We propose"),
        choices=Proposal.choices,
        widget=forms.RadioSelect,
        error_messages=_required,
    )
    proposed_when = _text(_("When would suit"), required=False, max_length=200)
    # The parents' consent to the referral (Retssikkerhedsloven § 11 a), recorded with it.
    guardian = forms.ModelChoiceField(
        label=_("Guardian giving consent"),
        queryset=None,
        error_messages={
            **_required,
            "invalid_choice": _("Choose a guardian with custody of the child."),
        },
    )
    kinds = forms.MultipleChoiceField(
        label=_("What the receiving unit may see"),
        choices=[(kind.value, kind.label) for kind in CONSENT_KINDS],
        widget=forms.CheckboxSelectMultiple,
        initial=[DataKind.BASIC.value],
        help_text=_("At least the basic data: the receiver must know who the child is."),
        error_messages={
            **_required,
            "invalid_choice": _("Choose among the kinds of information shown."),
        },
    )
    evidence = forms.ChoiceField(
        label=_("How did the parents consent?"),
        choices=[
            ("paper", _("On paper (I record it now, with the paper's date)")),
            ("login", _("The guardian confirms through their own login")),
        ],
        widget=forms.RadioSelect,
        initial="paper",
        error_messages=_required,
    )
    paper_date = paper_date_field()
    valid_until = DayField(label=_("The consent lasts until"), error_messages=_required)

    choices_given = {"from_unit": "own_units", "to_unit": "receivers", "guardian": "guardians"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].help_text = f"{consent_period_help()} {_('Format: dd.mm.åååå')}"


class ReferralAnswerForm(DesignSystemForm):
    accept = forms.ChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        widget=forms.RadioSelect,
        error_messages=_required,
    )
    reason = _text(_("Reason"), rows=3)


class ConsultationForm(_ChoicesGiven, DesignSystemForm):
    unit = forms.ModelChoiceField(
        label=_("The unit that asked"), queryset=None, error_messages=_required
    )
    topic = _text(
        _("Topic, without names"),
        rows=4,
        help_text=_("No names and no CPR numbers: the consultation is anonymous."),
    )

    choices_given = {"unit": "units"}
