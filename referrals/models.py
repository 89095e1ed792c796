"""Notifications of concern (underretninger, classic and dialogue-based), referrals
(henvisninger) and anonymous consultations (DOMAIN.md §9), with the statutory clocks of §10."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.audit.cpr import mask_cpr

from .workdays import add_working_days, closed_days_of

# Barnets lov §§ 136–137, § 20 stk. 3.
ASSESSMENT_HOURS = 24
RECEIPT_WORKING_DAYS = 6
REVIEW_MONTHS = 3
INVESTIGATION_MONTHS = 4


class Notifier(models.TextChoices):
    """Who notified: this, not how it arrived, decides the receipt and the feedback (Barnets
    lov § 137): every named notifier gets a receipt, a professional one also the feedback."""

    PROFESSIONAL = "professional", _("A professional (role and workplace)")
    CITIZEN = "citizen", _("A citizen with name")
    ANONYMOUS = "anonymous", _("Anonymous")


class Channel(models.TextChoices):
    """How the notification reached the municipality."""

    FORM = "form", _("The professionals' form in Trivsel+")
    PUBLIC_FORM = "public_form", _("The public form")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogue meeting")


# What the intake writes down itself; the forms and the dialogue meeting make their own.
RECORDED_CHANNELS = (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER, Channel.EMAIL)


class Delivery(models.TextChoices):
    """How a receipt or the feedback was sent to the notifier."""

    EMAIL = "email", _("By e-mail")
    LETTER = "letter", _("By letter")
    IN_PRODUCT = "in_product", _("In Trivsel+")


class ChildHeard(models.TextChoices):
    """Whether the child was heard (Barnets lov § 5), with how or why not in a note."""

    HEARD = "heard", _("Yes, the child was heard")
    NOT_YET = "not_yet", _("Not yet")
    NOT_HEARD = "not_heard", _("No, and the reason is noted")


class ChildVoice(models.Model):
    """The child's voice and the bisidder (Barnets lov §§ 5–6), recorded the same way on a
    notification, a dialogue meeting and an investigation."""

    child_heard = models.CharField(
        _("was the child heard?"), max_length=10, choices=ChildHeard.choices, blank=True
    )
    child_heard_note = models.TextField(_("how the child was heard, or why not"), blank=True)
    bisidder_present = models.BooleanField(_("a bisidder took part"), null=True, blank=True)

    class Meta:
        abstract = True


class Route(models.TextChoices):
    CLASSIC = "classic", _("Classic notification")
    DIALOGUE = "dialogue", _("Dialogue-based notification")


class Category(models.TextChoices):
    """The category of circumstances (after Ankestyrelsen's statistics)."""

    CHILD_WELLBEING = "child_wellbeing", _("The child's behaviour or wellbeing")
    SCHOOL_ABSENCE = "school_absence", _("Absence from school or daycare")
    PARENTS_CONDITIONS = "parents_conditions", _("The parents' conditions (e.g. illness, abuse)")
    NEGLECT = "neglect", _("Neglect or lack of care")
    VIOLENCE = "violence", _("Violence against the child")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    CRIME = "crime", _("Crime or risk of crime")
    HOUSING_ECONOMY = "housing_economy", _("Housing or money problems")
    OTHER = "other", _("Other")


class Triage(models.TextChoices):
    """The notification's urgency. Deliberately not colour words: the screening positions
    (green/yellow/red) mean something else (DOMAIN.md §9, §12)."""

    ACUTE = "acute", _("Acute: act today")
    INVESTIGATION = "investigation", _("Investigation needed")
    ADVICE = "advice", _("Advice or no further action")


class Outcome(models.TextChoices):
    NO_ACTION = "no_action", _("No further action")
    AFDAEKNING = "afdaekning", _("Afdækning (§ 19)")
    INVESTIGATION = "investigation", _("Børnefaglig undersøgelse (§ 20)")
    PREVENTIVE = "preventive", _("Preventive measure")
    ADVICE = "advice", _("Advice on where to get help")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSESSED = "assessed", _("Assessed")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")


@dataclass
class Clock:
    name: str
    label: str
    due: datetime
    done_at: datetime | None
    # The notification was closed before this step was done, and the step is no longer needed.
    stopped: bool = False

    @property
    def open(self):
        return self.done_at is None and not self.stopped

    @property
    def late(self):
        # A step recorded after its deadline is accepted and shown as late, never hidden.
        return self.done_at is not None and self.done_at > self.due

    @property
    def overdue(self):
        return self.open and timezone.now() > self.due


CLOCK_FIELDS = (
    "assessment_due_at",
    "receipt_due_at",
    "review_due_at",
    "investigation_due_at",
    "next_deadline",
)


def end_of_day(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class Underretning(ChildVoice):
    """One underretning. Repeat notifications about the same child stay separate rows: the
    queue shows them together, nothing ever merges them."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    route = models.CharField(_("route"), max_length=10, choices=Route.choices)
    category = models.CharField(
        _("category of circumstances"), max_length=20, choices=Category.choices
    )
    # Matched to a Child by the intake staff only (a citizen gives a name, CPR or address).
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("child"),
    )
    child_name_given = models.CharField(_("the child's name"), max_length=200, blank=True)
    child_cpr_given = models.CharField(_("the child's CPR number"), max_length=11, blank=True)
    child_address_given = models.CharField(_("the child's address"), max_length=300, blank=True)
    text = models.TextField(_("what the concern is about"))
    suspected_violence = models.BooleanField(
        _("suspected violence or abuse"),
        default=False,
        help_text=_("The parents are not told through the system, and no dialogue route."),
    )
    # Who notified: a logged-in professional, or a name and contact (citizen, phone).
    notifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="underretninger_sent",
        verbose_name=_("notifier"),
    )
    notifier_name = models.CharField(_("notifier's name"), max_length=200, blank=True)
    notifier_role = models.CharField(_("notifier's role"), max_length=150, blank=True)
    notifier_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notifier's unit"),
    )
    notifier_email = models.EmailField(_("notifier's e-mail"), blank=True)
    notifier_phone = models.CharField(_("notifier's phone"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written down by"),
    )
    notifier_kind = models.CharField(
        _("who notified"), max_length=15, choices=Notifier.choices, default=Notifier.ANONYMOUS
    )
    channel = models.CharField(
        _("how it was received"), max_length=20, choices=Channel.choices, default=Channel.FORM
    )
    # Where a professional outside the municipality works (the police, a hospital, a GP).
    notifier_workplace = models.CharField(_("notifier's workplace"), max_length=200, blank=True)
    # When the municipality received it: a phone note's own time, not when it was typed; a
    # dialogue-based notification's meeting.
    received_at = models.DateTimeField(_("received"), db_index=True)
    # The dialogue-based notification: the approved minutes are the notification.
    minutes = models.OneToOneField(
        "meetings.Minutes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="underretning",
        verbose_name=_("minutes"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="underretninger_assigned",
        verbose_name=_("caseworker"),
    )
    triage = models.CharField(_("urgency"), max_length=15, choices=Triage.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    assessment_note = models.TextField(_("assessment"), blank=True)
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    receipt_via = models.CharField(
        _("how the receipt was sent"), max_length=10, choices=Delivery.choices, blank=True
    )
    feedback_sent_at = models.DateTimeField(_("feedback sent"), null=True, blank=True)
    feedback_via = models.CharField(
        _("how the feedback was sent"), max_length=10, choices=Delivery.choices, blank=True
    )
    review_done_at = models.DateTimeField(_("review done"), null=True, blank=True)
    # At the 3-month review: the 4-month deadline of the investigation may not be met, and the
    # department head is told.
    review_at_risk = models.BooleanField(_("the 4-month deadline is at risk"), default=False)
    investigation_started_at = models.DateTimeField(
        _("investigation started"), null=True, blank=True
    )
    investigation_finished_at = models.DateTimeField(
        _("investigation finished"), null=True, blank=True
    )
    # The child's voice and the bisidder in the investigation (the notification's own are the
    # fields of ChildVoice).
    investigation_child_heard = models.CharField(
        _("was the child heard in the investigation?"),
        max_length=10,
        choices=ChildHeard.choices,
        blank=True,
    )
    investigation_child_heard_note = models.TextField(
        _("how the child was heard in the investigation, or why not"), blank=True
    )
    investigation_bisidder_present = models.BooleanField(
        _("a bisidder took part in the investigation"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set when retention has stripped the notification of the child, the notifier and every word
    # about them; what /tal/ counts is kept (referrals.retention).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Each clock's deadline, set from received_at (clocks_refresh), so every clock is reminded
    # and escalated on its own in SQL. Empty: the clock does not run (no receipt for an
    # anonymous notifier; no 4-month deadline without an investigation).
    assessment_due_at = models.DateTimeField(null=True, blank=True)
    receipt_due_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True)
    investigation_due_at = models.DateTimeField(null=True, blank=True)
    # The nearest open clock, kept by the services so the queue sorts in SQL.
    next_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification of concern")
        verbose_name_plural = _("notifications of concern")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["municipality", "next_deadline"], name="notif_queue_idx"),
            # The open queue and the caseload read only open rows: a few thousand of 50,000.
            models.Index(
                fields=["municipality", "next_deadline", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="notif_open_queue_idx",
            ),
            models.Index(
                fields=["municipality", "assigned_to"],
                condition=models.Q(closed_at__isnull=True),
                name="notif_open_assigned_idx",
            ),
            # A caseworker's own running clocks on Mit overblik (referrals/worklist.py), nearest
            # first: her hundred-odd rows, not the municipality's thousands with a deadline.
            models.Index(
                fields=["assigned_to", "next_deadline", "id"],
                condition=models.Q(next_deadline__isnull=False)
                & (
                    models.Q(closed_at__isnull=True)
                    | models.Q(receipt_due_at__isnull=False, receipt_sent_at__isnull=True)
                ),
                name="notif_assignee_deadline_idx",
            ),
            models.Index(fields=["municipality", "child"], name="notif_child_idx"),
            models.Index(fields=["notifier", "-received_at"], name="notif_notifier_idx"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} ({timezone.localdate(self.received_at):%d.%m.%Y})"

    def save(self, *args, **kwargs):
        # The clocks follow from the row on every save, so no write can leave them stale.
        fields = self.clocks_refresh()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *fields}
        super().save(*args, **kwargs)

    # --- Clocks ----------------------------------------------------------------------------

    @property
    def received_day(self):
        return timezone.localdate(self.received_at)

    @property
    def wants_receipt(self):
        # Every named notifier gets a receipt, however the notification arrived (§ 137).
        return self.notifier_kind != Notifier.ANONYMOUS

    @property
    def wants_feedback(self):
        # A professional notifier is told whether it led to an investigation or measures.
        return self.notifier_kind == Notifier.PROFESSIONAL

    @property
    def runs_investigation(self):
        return self.outcome == Outcome.INVESTIGATION or self.investigation_started_at is not None

    def clocks_refresh(self, closed_days=None):
        """Set each clock's deadline from received_at, and the nearest open one; returns the
        fields set, for save(update_fields=…). `closed_days`: the municipality's own closing days
        (referrals.workdays.closed_days_of), fetched here when not given."""
        day = self.received_day
        self.assessment_due_at = self.received_at + timedelta(hours=ASSESSMENT_HOURS)
        self.receipt_due_at = None
        if self.wants_receipt:
            if closed_days is None:
                closed_days = closed_days_of(self.municipality_id, day)
            self.receipt_due_at = end_of_day(
                add_working_days(day, RECEIPT_WORKING_DAYS, closed_days)
            )
        self.review_due_at = end_of_day(day + relativedelta(months=REVIEW_MONTHS))
        self.investigation_due_at = (
            end_of_day(day + relativedelta(months=INVESTIGATION_MONTHS))
            if self.runs_investigation
            else None
        )
        open_dues = [clock.due for clock in self.clocks() if clock.open]
        self.next_deadline = min(open_dues) if open_dues else None
        return CLOCK_FIELDS

    def clocks(self):
        """The four statutory clocks that run for this notification. Each runs on its own:
        closing the notification ends the assessment and the review, never a receipt not yet
        sent nor an investigation not yet finished."""
        closed = self.closed_at is not None
        clocks = [
            Clock(
                "assessment",
                _("24-hour assessment"),
                self.assessment_due_at,
                self.assessed_at,
                stopped=closed,
            )
        ]
        if self.receipt_due_at:
            clocks.append(
                Clock(
                    "receipt",
                    _("Receipt to the notifier"),
                    self.receipt_due_at,
                    self.receipt_sent_at,
                )
            )
        clocks.append(
            Clock(
                "review",
                _("Review after 3 months"),
                self.review_due_at,
                self.review_done_at,
                stopped=closed,
            )
        )
        if self.investigation_due_at:
            clocks.append(
                Clock(
                    "investigation",
                    _("Investigation finished (4 months)"),
                    self.investigation_due_at,
                    self.investigation_finished_at,
                )
            )
        return clocks

    @property
    def assessed_late(self):
        return self.assessed_at is not None and self.assessed_at > self.assessment_due_at

    @property
    def child_cpr_given_masked(self):
        return mask_cpr(self.child_cpr_given)

    @property
    def who_notified(self):
        if self.notifier_kind == Notifier.ANONYMOUS:
            return _("Anonymous")
        if self.notifier_id:
            return self.notifier.get_full_name() or self.notifier.username
        return self.notifier_name


class DialogueStep(models.TextChoices):
    AGREED = "agreed", _("The parents agreed")
    INVITED = "invited", _("Meeting planned")
    RECEIVED = "received", _("Received at the meeting: the deadlines run")
    DONE = "done", _("The approved minutes are the notification's content")


class DialogueUnderretning(ChildVoice):
    """The dialogue-based route (Assens): the conversation with the parents, their agreement,
    the meeting chaired by the leader, and the notification — received at the meeting, its
    content the minutes once approved and confirmed by everyone present."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("short type of concern"), max_length=20, choices=Category.choices)
    parents_conversation = models.TextField(_("the conversation with the parents"))
    parents_agreed_at = models.DateTimeField(_("the parents agreed"))
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social worker"),
    )
    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogue_underretning",
        verbose_name=_("meeting"),
    )
    underretning = models.OneToOneField(
        Underretning,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogue",
        verbose_name=_("notification"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("dialogue-based notification")
        verbose_name_plural = _("dialogue-based notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_category_display()} · {self.unit}"

    @property
    def step(self):
        if self.underretning_id:
            return DialogueStep.DONE if self.underretning.minutes_id else DialogueStep.RECEIVED
        if self.meeting_id:
            return DialogueStep.INVITED
        return DialogueStep.AGREED


class Proposal(models.TextChoices):
    MEETING = "meeting", _("A meeting")
    CONVERSATION = "conversation", _("A conversation")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(models.Model):
    """A henvisning to PPR or a family service: it opens a conversation or a meeting, and the
    receiver must accept or decline it with a reason."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="+", verbose_name=_("child")
    )
    from_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.TextField(_("what the referral is about"))
    proposal = models.CharField(_("we propose"), max_length=15, choices=Proposal.choices)
    proposed_when = models.CharField(_("when would suit"), max_length=200, blank=True)
    # A referral is made with the parents, never behind their backs (DOMAIN.md §9): their consent
    # (Retssikkerhedsloven § 11 a) names the receiving unit, and it alone lets the receiver read
    # the child and the referral, for as long as it is in force (cases.access). Empty only on
    # referrals sent before the consent was recorded with them: those give the receiver nothing.
    consent = models.ForeignKey(
        "cases.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("the parents' consent"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    answer_reason = models.TextField(_("reason for the answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent") | ~models.Q(answer_reason=""),
                name="referral_answer_has_reason",
            )
        ]

    def __str__(self):
        return f"{self.from_unit} → {self.to_unit}"

    def consent_state(self, today=None):
        """Whether the parents' consent lets the receiving unit read the referral now: "missing"
        (an old referral), "awaiting" the guardian's answer, "in_force", or "ended" (refused,
        withdrawn or expired). The engine decides the access itself; this is what lists show."""
        consent = self.consent
        if consent is None:
            return "missing"
        if consent.status == "awaiting":
            return "awaiting"
        today = today or timezone.localdate()
        if consent.status == "given" and consent.valid_from <= today <= consent.ends_on:
            return "in_force"
        if consent.status == "given" and today < consent.valid_from:
            return "awaiting"
        return "ended"


class AnonymousConsultation(models.Model):
    """Anonym sparring: counted per unit and month, never linked to a child."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit that asked"),
    )
    month = models.DateField(_("month"))
    topic = models.TextField(_("topic, without names"))
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymous consultation")
        verbose_name_plural = _("anonymous consultations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit} {self.month:%m.%Y}"


class PublicFormUse(models.Model):
    """One notification sent through the public form, by a connection, for its rate limit: kept
    in PostgreSQL so the limit holds with Redis away, never linked to the notification (an
    anonymous notifier stays anonymous), and deleted once it is older than the limit's window.
    `client` is a keyed hash of the address, not the address."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    client = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "client", "at"], name="public_use_idx")]

    def __str__(self):
        return f"{self.municipality_id} {self.at:%d.%m.%Y %H:%M}"
