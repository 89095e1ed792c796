"""Forums and their meetings, network meetings around one child, agenda, participants, minutes
with decisions and action items, and the PDF jobs (DOMAIN.md §8). Every meeting about a child
has exactly one named tovholder: a NOT NULL column, never an optional field."""

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import ChildHeardFields


class ForumKind(models.TextChoices):
    SMALL_CHILDREN_TEAM = "smaaboernsteam", _("Early-years team (småbørnsteam)")
    CONSULTATIVE = "konsultativt", _("Consultative forum")
    CROSS_DISCIPLINARY = "tvaerfagligt", _("Cross-disciplinary team")
    RESOURCE_CENTRE = "ressourcecenter", _("Resource centre meeting")
    PROFESSIONAL_SPARRING = "sparring", _("Professional sparring forum")
    SSP = "ssp", _("SSP")


class Forum(models.Model):
    """A recurring series of meetings with fixed members, e.g. the school's cross-disciplinary
    team every fourth week."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="forums",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="forums",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=ForumKind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="forums", blank=True, verbose_name=_("members")
    )
    invited_roles = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        verbose_name=_("invited roles"),
        help_text=_("Roles invited when a case calls for them, e.g. the health visitor."),
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("days between meetings"), default=28, help_text=_("E.g. 14, 28 or 91.")
    )
    agenda_deadline_days = models.PositiveSmallIntegerField(
        _("agenda deadline (days before the meeting)"), default=7
    )

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forums")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="forum_name_unique_in_municipality"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def takes_named_children(self):
        # The professional sparring forum generalises its topics: never a named child.
        return self.kind != ForumKind.PROFESSIONAL_SPARRING


class Meeting(models.Model):
    """A meeting of a forum, or a network meeting around one child (exactly one of the two)."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("municipality"),
    )
    forum = models.ForeignKey(
        Forum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("forum"),
    )
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="network_meetings",
        verbose_name=_("child"),
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    starts_at = models.DateTimeField(_("date and time"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    tovholder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meetings_as_tovholder",
        verbose_name=_("tovholder"),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_as_chair",
        verbose_name=_("chair"),
    )
    # The parents' consent to the network meeting's purpose and participants (cases.Consent).
    consent = models.ForeignKey(
        "cases.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Minutes that everyone present must confirm before the tovholder can approve them: the
    # minutes of a dialogue-based notification are signed by all (DOMAIN.md §9). Set by the app
    # that calls the meeting; meetings knows nothing of why.
    minutes_need_confirmation = models.BooleanField(
        _("the minutes must be confirmed by everyone present"), default=False
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(forum__isnull=False) & models.Q(child__isnull=True))
                | (models.Q(forum__isnull=True) & models.Q(child__isnull=False)),
                name="meeting_is_forum_or_network",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_network(self):
        return self.child_id is not None


class AgendaKind(models.TextChoices):
    CHILD = "child", _("About a child")
    CLASS = "class", _("About a class or group")
    THEME = "theme", _("General theme")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AgendaKind.choices)
    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("child"),
    )
    group = models.ForeignKey(
        "organisation.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("class or group"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The basis for discussing a named child: the parents' consent or the one-meeting exchange.
    consent = models.ForeignKey(
        "cases.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exchange = models.ForeignKey(
        "cases.ExchangeGrant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="child", child__isnull=False, group__isnull=True)
                    & (models.Q(consent__isnull=False) | models.Q(exchange__isnull=False))
                )
                | models.Q(kind="class", child__isnull=True, group__isnull=False)
                | models.Q(kind="theme", child__isnull=True, group__isnull=True),
                name="agenda_item_subject_matches_kind",
            )
        ]

    def __str__(self):
        return self.title


class ParticipantKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    PARENT = "parent", _("Parent or guardian")
    CHILD = "child", _("The child or young person")
    SUPPORT = "bisidder", _("Support person (bisidder)")
    EXTERNAL = "external", _("External person")


class Participant(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_participations",
        verbose_name=_("staff member"),
    )
    guardian = models.ForeignKey(
        "cases.Guardian",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("guardian"),
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    # Set by the services when the person is put on the list (empty on rows from before): the
    # parents' consent covers only those on the list when it was recorded.
    added_at = models.DateTimeField(_("added"), null=True, blank=True, editable=False)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # Recorded by the tovholder from the minutes page; empty until then (not "absent").
    present = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_user_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="staff") | models.Q(user__isnull=False),
                name="participant_staff_has_user",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"

    @property
    def has_own_login(self):
        """Staff, and a guardian with a login, confirm the minutes themselves; the tovholder
        records a confirmation given at the meeting only for the others."""
        return self.user_id is not None or (
            self.guardian_id is not None and self.guardian.user_id is not None
        )


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


# The sections of the minutes in the order of the meeting (the dialogue and growth models).
MINUTES_SECTIONS = (
    "going_well",
    "challenges",
    "options",
    "agreements",
    "assessment",
    "child_view",
    # Whether and how the child was heard (Barnets lov § 5): a network meeting's only.
    "child_heard",
    "child_heard_note",
    "parents_view",
    "evaluation",
    "next_meeting_note",
    "internal_notes",
)


COLOUR_WORDS = re.compile(
    r"\b(grøn|grønt|grønne|grønlig\w*|gul|gult|gule|gullig\w*|rød|rødt|røde|rødlig\w*"
    r"|green|yellow|red)\b",
    re.IGNORECASE,
)
PARENT_FACING = [s for s in MINUTES_SECTIONS if s != "internal_notes"]


def colour_words_in(text):
    return sorted({m.group(0).lower() for m in COLOUR_WORDS.finditer(text or "")})


class Minutes(ChildHeardFields):
    """One version of a meeting's minutes. Approval locks it; a correction is a new version
    that points back to the one it corrects."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("corrects version"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    going_well = models.TextField(_("What is going well"), blank=True)
    challenges = models.TextField(_("The challenges"), blank=True)
    options = models.TextField(_("The options"), blank=True)
    agreements = models.TextField(_("Concrete agreements"), blank=True)
    assessment = models.TextField(_("Assessments"), blank=True)
    child_view = models.TextField(_("The child's own view"), blank=True)
    parents_view = models.TextField(_("The parents' view"), blank=True)
    evaluation = models.TextField(_("What was good about the meeting"), blank=True)
    next_meeting = models.DateField(_("next meeting or review date"), null=True, blank=True)
    next_meeting_note = models.TextField(_("About the next meeting"), blank=True)
    internal_notes = models.TextField(
        _("Internal notes"),
        blank=True,
        help_text=_("For the professionals only: never in the parents' copy."),
    )
    # Optimistic locking for autosave: an edit based on an older lock is refused, not merged.
    # Every change of the content (sections, decisions, action items) advances it, so it is also
    # the version of the words a participant confirms.
    lock = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("saved"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_unique"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(status="draft"),
                name="minutes_one_draft_per_meeting",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | (models.Q(approved_by__isnull=False) & models.Q(approved_at__isnull=False)),
                name="minutes_approval_is_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.number}"

    def colour_words_for_parents(self):
        """Colour words in what the parents read (DOMAIN.md §12): (in the header, in the body).
        The header is the meeting's title and purpose and the reason for a correction."""
        meeting = self.meeting
        header = colour_words_in(
            "\n".join([meeting.title, meeting.purpose, self.correction_reason or ""])
        )
        texts = [getattr(self, s) for s in PARENT_FACING]
        texts += [d.text + " " + d.reason for d in self.decisions.all()]
        texts += [a.what for a in self.action_items.all()]
        return header, colour_words_in("\n".join(texts))


class ConfirmationMethod(models.TextChoices):
    OWN_LOGIN = "login", _("With their own login")
    AT_MEETING = "meeting", _("At the meeting, recorded by the tovholder")


class MinutesConfirmation(models.Model):
    """A participant present at the meeting confirms one version of the minutes. A correction is
    a new version with words of its own: it needs its own confirmations."""

    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("minutes"),
    )
    participant = models.ForeignKey(
        Participant,
        # Kept with the minutes it confirms; gone only with the whole meeting.
        on_delete=models.RESTRICT,
        related_name="confirmations",
        verbose_name=_("participant"),
    )
    method = models.CharField(_("how"), max_length=10, choices=ConfirmationMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation of the minutes")
        verbose_name_plural = _("confirmations of the minutes")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "participant"], name="minutes_confirmed_once_per_participant"
            )
        ]

    def __str__(self):
        return f"{self.minutes} · {self.participant.name}"


class Decision(models.Model):
    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("minutes")
    )
    text = models.TextField(_("decision"))
    reason = models.TextField(_("reason"))
    # The tovholder's duty: the parents are told of every decision about their child.
    parents_informed_at = models.DateTimeField(_("parents informed"), null=True, blank=True)
    parents_informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItem(models.Model):
    """What, who, by when. A staff owner gets a cases Task at approval; its status is the
    task's status. Parents or external people can own an action too (by name)."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("minutes")
    )
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    owner_name = models.CharField(_("who (not staff)"), max_length=150, blank=True)
    due_date = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    task = models.ForeignKey(
        "cases.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.what

    @property
    def who(self):
        return self.owner.get_full_name() if self.owner_id else self.owner_name

    @property
    def current_status(self):
        return self.task.status if self.task_id else self.status

    def get_current_status_display(self):
        return ActionStatus(self.current_status).label


class PdfVariant(models.TextChoices):
    STAFF = "staff", _("Professionals' copy")
    PARENT = "parent", _("Parents' copy")


class PdfJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting in line")
    LAYOUT = "layout", _("Laying out the pages")
    WRITING = "writing", _("Writing the PDF")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PdfJob(models.Model):
    """A long PDF rendered by a worker. The requester polls it; only they can download it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=10, choices=PdfVariant.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=PdfJobStatus.choices, default=PdfJobStatus.QUEUED
    )
    pages = models.PositiveIntegerField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a worker claimed it: a job started long ago lost its worker (meetings.services).
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF job")
        verbose_name_plural = _("PDF jobs")

    def __str__(self):
        return f"{self.minutes} {self.variant} {self.status}"

    @property
    def progress(self):
        return {"queued": 5, "layout": 35, "writing": 75, "done": 100, "failed": 100}[self.status]


class ForumConsent(models.Model):
    """The parents' consent to discussing their child in one forum, recorded through meetings
    (DOMAIN.md §5: a consent is specific to its purpose and recipients). Only a consent linked
    here is a basis for that forum's agenda: not a network meeting's, not a handover's."""

    forum = models.ForeignKey(
        Forum, on_delete=models.PROTECT, related_name="consent_links", verbose_name=_("forum")
    )
    consent = models.OneToOneField(
        "cases.Consent",
        on_delete=models.CASCADE,
        related_name="forum_link",
        verbose_name=_("consent"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent to discuss in a forum")
        verbose_name_plural = _("consents to discuss in a forum")

    def __str__(self):
        return f"{self.forum} · {self.consent_id}"
