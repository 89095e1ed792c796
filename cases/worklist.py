"""Mit overblik as a work list: what waits for the signed-in person, nearest deadline first.

The home page lives in cases, the lowest app layer, so it cannot import the apps whose work it
lists. Each app adds its section functions to `work_list_sections` in its AppConfig.ready(),
from its own `worklist` module; cases adds its own below. A function is called as

    function(user, *, now, access) -> Section | tuple[Section, ...] | None

(None: the section does not apply to this person, e.g. the intake's queue for a pædagog; a
tuple: several sections read with one query) and reads with at most one query per section,
whatever the data's size. `access` is the user's ChildAccess (cases.selectors), their grants
read once for the whole page: the sections ask it which children the user sees instead of each
building, compiling and planning the grants' subqueries again. Every item's link opens for the
person it is shown to: the functions read through the apps' own fetch-and-authorize selectors,
so the list never shows what the page behind it would refuse. Items name a child only where the
user may see the child (and the page logs that look); never a CPR number, never a colour as a
property of a child.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Value, Window
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from trivsel.audit.models import Basis, Topic
from trivsel.database.compiled import CompiledQuery, user_shape, user_stand_in, user_values
from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.models import LEADER_ROLES, SOCIAL_WORK_ROLES, Role
from trivsel.organisation.selectors import own_units

from .capabilities import WRITER_BASES
from .models import (
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    ConsentStatus,
    DataKind,
    Forlob,
    Handover,
    TransitionType,
)
from .selectors import (
    AccessStandIn,
    ChildAccess,
    access_log_children,
    child_of_young_person,
    children_of_guardian,
    task_list_for,
)

# At most this many lines per section; the rest is counted and the heading links to the full list.
LIMIT = 10

work_list_sections = ExtensionPoint("work list sections")


@dataclass(frozen=True)
class Item:
    """One line: what to do, the link to the page where it is done, and its deadline."""

    text: str
    url: str
    due: date | None = None
    overdue: bool = False
    note: str = ""  # a short second line: "12 af 22 vurderet", the step that waits
    deadline: bool = True  # False: `due` only orders the line (a meeting's day), shown in the note

    @cached_property
    def html(self):
        """The line as the home page shows it, joined from its escaped parts: cheaper than a
        dozen template tags per line, or than format_html for each part."""
        meta = conditional_escape(self.meta) if self.meta else ""
        if self.overdue:
            overdue = f"<strong>{conditional_escape(_('Overdue'))}</strong>"
            meta = f"{overdue} · {meta}" if meta else overdue
        if meta:
            meta = f'<br><span class="trivsel-worklist-meta">{meta}</span>'
        opening = '<li class="trivsel-worklist-overdue">' if self.overdue else "<li>"
        url, text = conditional_escape(self.url), conditional_escape(self.text)
        return mark_safe(f'{opening}<a href="{url}">{text}</a>{meta}</li>')  # noqa: S308 (escaped)

    @cached_property
    def meta(self):
        """The second line after "Overdue": the note and the deadline, " · " between them
        (made here, not in the template: a dozen template tags per line cost more)."""
        if not (self.due and self.deadline):
            return self.note
        deadline = _("deadline %(date)s") % {"date": day_text(self.due)}
        return f"{self.note} · {deadline}" if self.note else deadline


@dataclass(frozen=True)
class Section:
    """One heading of the work list with its count, its first LIMIT lines and its empty text."""

    key: str
    heading: str
    count: int
    items: tuple = ()
    empty: str = ""
    order: int = 100
    more_url: str = ""  # the full list, linked when the count is larger than the lines shown
    figures: tuple = field(default=())  # (label, number, url) for counts-only sections
    # The children its lines name: the page logs the look at them (work_list_children_logged).
    children: tuple = field(default=(), repr=False)

    @property
    def more(self):
        return max(self.count - len(self.items), 0)

    @cached_property
    def html(self):
        """The section as the home page shows it: heading and count, then its figures, its
        lines and "og 3 mere", or the one line that says it is empty. Joined from escaped parts
        as its lines are: the template's loops and conditions over a dozen sections cost more
        than reading them."""
        esc = conditional_escape
        key = esc(self.key)
        parts = [
            f'<section class="trivsel-worklist" aria-labelledby="worklist-{key}">'
            f'<h2 id="worklist-{key}">{esc(self.heading)} '
            f'<span class="trivsel-worklist-count">({esc(self.count)})</span></h2>'
        ]
        if self.figures:
            parts.append('<ul class="trivsel-worklist-figures">')
            for label, number, url in self.figures:
                figure = f"{esc(label)}: <strong>{esc(number)}</strong>"
                parts.append(f'<li><a href="{esc(url)}">{figure}</a></li>')
            parts.append("</ul>")
        if self.items:
            parts.append('<ul class="trivsel-worklist-items unstyled-list">')
            parts.extend(item.html for item in self.items)
            parts.append("</ul>")
            if self.more:
                more = esc(
                    ngettext("and %(counter)s more", "and %(counter)s more", self.more)
                    % {"counter": self.more}
                )
                if self.more_url:
                    more = f'<a href="{esc(self.more_url)}">{more}</a>'
                parts.append(f"<p>{more}</p>")
        elif not self.figures:
            parts.append(f'<p class="trivsel-worklist-empty">{esc(self.empty)}</p>')
        parts.append("</section>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped)


def total_count():
    """The whole list's length next to each of its first rows: the count and the capped list
    in one query (COUNT(*) OVER ())."""
    return Window(expression=Count("*"))


def by_deadline(items):
    """Nearest deadline first (so the overdue first), the undated last, in a stable order."""
    return tuple(sorted(items, key=lambda item: (item.due is None, item.due or date.min)))


# What a compiled section query (trivsel.database.compiled) reads of the child a line names.
CHILD_COLUMNS = ("child_id", "child__first_name", "child__last_name")


def child_of(row):
    """The child a row names (CHILD_COLUMNS): for its line and the access log."""
    return Child(
        pk=row["child_id"], first_name=row["child__first_name"], last_name=row["child__last_name"]
    )


def child_name(row):
    return f"{row['child__first_name']} {row['child__last_name']}"


def compiled_rows(query, user, *, access, **values):
    """The rows of a section's CompiledQuery for this user: its builder is called as
    build(values, roles) with the stand-ins of the user (trivsel.database.compiled) and of
    their children (cases.selectors.AccessStandIn), and `values` by the names of its own."""
    bound = access.values(user_values(user))
    bound.update(values)
    return query.rows(bound, roles=user_shape(user))


def stand_ins(values, roles):
    """The user and ChildAccess of a section's builder, made of stand-ins."""
    return user_stand_in(values, roles), AccessStandIn(values)


def _total_of(rows):
    if not rows:
        return 0
    return rows[0]["total"] if isinstance(rows[0], dict) else rows[0].total


def section_of(rows, *, make_item, names_child=False, **section):
    """A Section from rows carrying `total` (total_count()), each made into an Item; with
    `names_child`, the child each row names is named on its line (and so logged). The rows are
    dicts from a compiled section query (the child as CHILD_COLUMNS), or model instances from a
    queryset (with `child`)."""
    rows = list(rows)
    as_dicts = bool(rows) and isinstance(rows[0], dict)
    if not names_child:
        children = ()
    elif as_dicts:
        children = tuple(child_of(row) for row in rows if row["child_id"])
    else:
        children = tuple(row.child for row in rows if row.child_id)
    return Section(
        count=_total_of(rows),
        items=by_deadline(make_item(row) for row in rows),
        children=children,
        **section,
    )


def work_list_for(user, *, now=None, access=None):
    """The sections that apply to the user, in their order."""
    now = now or timezone.now()
    access = access or ChildAccess(user)
    sections = []
    for answer in work_list_sections.call_each(user, now=now, access=access):
        if isinstance(answer, Section):
            sections.append(answer)
        elif answer:  # several sections read with one query
            sections.extend(answer)
    return sorted(sections, key=lambda s: (s.order, s.key))


def work_list_children_logged(user, sections, *, access=None):
    """Log the look at the children named on the page, once each, with the user's basis (as the
    children's list does), in one insert."""
    children = {child.pk: child for s in sections for child in s.children}
    access_log_children(
        user,
        children.values(),
        purpose=_("My overview"),
        topic=Topic.DAILY_CARE,
        access=access,
    )


# A number no id reaches, in the address `link` builds once per view and then fills in.
_PLACEHOLDER = 2_147_483_629
_link_parts = {}


def link(view_name, pk=None):
    """reverse(view_name, args=[pk]) for the lines of the work list: the URL patterns are walked
    once per view (for the URLconf, script prefix and language, as trivsel.template_urls does),
    not once per line, and the id put in its place."""
    key = (view_name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    parts = _link_parts.get(key)
    if parts is None:
        if pk is None:
            parts = (reverse(view_name),)
        else:
            parts = tuple(reverse(view_name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER)))
        if len(_link_parts) >= 1000:  # bounded, should a prefix ever vary per request
            _link_parts.clear()
        _link_parts[key] = parts
    if pk is None:
        return parts[0]
    return f"{parts[0]}{int(pk)}{parts[1]}"


@lru_cache(maxsize=4096)
def _day_text(day, language):
    return date_format(day, "j. F Y")


def day_text(day):
    """A day as the work list writes it, "3. december 2026", each day written once per process
    and language (Django's date_format translates the month's name at every call)."""
    return _day_text(day, get_language())


def _is_staff(user):
    return user.staff_profile_or_none is not None


# Roles whose work is not the daily care of children: the social-work side (its own queue and
# deadlines) and the administrators. Screening, handovers, consents and the notifications one
# sends are not theirs, so those sections are left out rather than shown empty.
NOT_IN_DAILY_CARE = SOCIAL_WORK_ROLES | {Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER}


def in_daily_care(user):
    """Whether the user works with children day to day (from the roles: no query)."""
    profile = user.staff_profile_or_none
    return profile is not None and any(r not in NOT_IN_DAILY_CARE for r in profile.roles)


# --- cases' own sections ------------------------------------------------------------------------

HANDOVER_TASKS = ("cases.handover.acknowledge", "cases.handover.evaluate", "cases.handover.refused")


def _task_url(task):
    # A handover's task is done on the handover's page; a task about a child beside the child's
    # record (task_list_for has checked that the user sees the child); the rest on Mine opgaver.
    if task["source_type"] in HANDOVER_TASKS and task["source_id"].isdigit():
        return link("cases:handover_detail", task["source_id"])
    if task["child_id"]:
        return link("cases:child_detail", task["child_id"])
    return link("cases:task_list")


TASKS, REVIEWS = 1, 2
_TASK_AND_REVIEW_COLUMNS = (
    "kind",
    "id",
    "title",
    "day",
    "source_type",
    "source_id",
    *CHILD_COLUMNS,
    "total",
)


def _tasks_and_reviews(values, roles):
    """My open tasks and the plans I must review, at most LIMIT of each, each with its kind and
    `total`: two sections read with one query (UNION ALL)."""
    user, access = stand_ins(values, roles)
    tasks = (
        task_list_for(user, access=access)
        .annotate(kind=Value(TASKS), day=F("due_date"), total=total_count())
        .values(*_TASK_AND_REVIEW_COLUMNS)[:LIMIT]
    )
    reviews = (
        Forlob.objects.filter(
            tovholder=user,
            closed_at__isnull=True,
            review_date__lte=values.day("horizon"),
            # The plan's page opens for those who write the child's record.
        )
        .filter(access.visible("child_id", bases=WRITER_BASES))
        .annotate(
            kind=Value(REVIEWS),
            day=F("review_date"),
            source_type=Value(""),
            source_id=Value(""),
            total=total_count(),
        )
        .order_by("review_date", "pk")
        .values(*_TASK_AND_REVIEW_COLUMNS)[:LIMIT]
    )
    return tasks.union(reviews, all=True)


_TASKS_AND_REVIEWS = CompiledQuery(_tasks_and_reviews)


def tasks_and_reviews_sections(user, *, now, access):
    """My open tasks, the overdue first (the meetings' action items and the handovers' receipts
    and evaluations are tasks too), and the plans of the forløb I am tovholder of whose review
    date is near or passed."""
    if not _is_staff(user):
        return None
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.REMINDER_REVIEW_DAYS)
    rows = compiled_rows(_TASKS_AND_REVIEWS, user, access=access, horizon=horizon)

    def task_item(task):
        text = task["title"]
        if task["child_id"]:
            text = f"{text} · {child_name(task)}"
        return Item(text, _task_url(task), task["day"], task["day"] < today)

    return (
        section_of(
            [row for row in rows if row["kind"] == TASKS],
            make_item=task_item,
            names_child=True,
            key="tasks",
            heading=_("My tasks"),
            empty=_("You have no open tasks."),
            order=20,
            more_url=link("cases:task_list"),
        ),
        section_of(
            [row for row in rows if row["kind"] == REVIEWS],
            make_item=lambda f: Item(
                f"{f['title']} · {child_name(f)}",
                link("cases:forlob_plan", f["id"]),
                f["day"],
                f["day"] < today,
                _("Review the plan"),
            ),
            names_child=True,
            key="reviews",
            heading=_("Plans to review"),
            empty=_("No forløb plan of yours is due for review."),
            order=25,
        ),
    )


def _consents_expiring(values, roles):
    user, access = stand_ins(values, roles)
    mine = ChildUserObjectPermission.objects.filter(
        user=user, source_type="consent", source_id=OuterRef("pk")
    )
    my_units = ChildGroupObjectPermission.objects.filter(
        group__user=user, source_type="consent", source_id=OuterRef("pk")
    )
    return (
        Consent.objects.filter(
            child__municipality_id=user.municipality_id,
            status=ConsentStatus.GIVEN,
            valid_until__gte=values.day("today"),
            valid_until__lte=values.day("horizon"),
        )
        .filter(access.visible("child_id"), Exists(mine) | Exists(my_units))
        .annotate(total=total_count())
        .order_by("valid_until", "pk")
        .values("id", "valid_until", *CHILD_COLUMNS, "total")[:LIMIT]
    )


_CONSENTS_EXPIRING = CompiledQuery(_consents_expiring)


def consents_expiring_section(user, *, now, access):
    """Consents about to expire that give me access (by name, role or unit): the work that
    relies on them needs a new consent in time."""
    if not in_daily_care(user):
        return None
    today = timezone.localdate(now)
    horizon = today + timedelta(days=settings.REMINDER_CONSENT_DAYS)
    rows = compiled_rows(_CONSENTS_EXPIRING, user, access=access, today=today, horizon=horizon)
    return section_of(
        rows,
        make_item=lambda c: Item(
            child_name(c),
            link("cases:child_detail", c["child_id"]),
            c["valid_until"],
            False,
            _("A consent you rely on expires"),
        ),
        names_child=True,
        key="consents",
        heading=_("Consents about to expire"),
        empty=_("No consent you rely on expires soon."),
        order=27,
    )


def _handovers(values, roles):
    user, access = stand_ins(values, roles)
    units = own_units(user).values("pk")
    # Not yet sent, the handover is its sending unit's, read through the enrolment (the
    # preparing staff's basis); once sent, the receiver reads it through the consent's grant.
    waiting = Q(
        access.visible("child_id", bases=[Basis.ENROLMENT]),
        sending_unit__in=units,
        sent_at__isnull=True,
        consent__status__in=[ConsentStatus.AWAITING_GUARDIAN, ConsentStatus.GIVEN],
    )
    if user.staff_profile_or_none.has_role(*LEADER_ROLES):
        waiting |= Q(
            access.visible("child_id", kind=DataKind.HANDOVER),
            receiving_unit__in=units,
            sent_at__isnull=False,
            acknowledged_at__isnull=True,
            consent__status=ConsentStatus.GIVEN,
        )
    return (
        Handover.objects.filter(
            waiting, child__municipality_id=user.municipality_id, cancelled_at__isnull=True
        )
        .annotate(total=total_count())
        .order_by("transition_date", "pk")
        .values(
            "id",
            "sent_at",
            "consent__status",
            "transition",
            "transition_date",
            "receiving_unit__name",
            *CHILD_COLUMNS,
            "total",
        )[:LIMIT]
    )


_HANDOVERS = CompiledQuery(_handovers)


def handovers_section(user, *, now, access):
    """Handovers of my units that wait: for the parents' answer or to be sent (the sending
    unit), for the receipt (the receiving unit's leaders). Evaluations are tasks."""
    if not in_daily_care(user):
        return None
    rows = compiled_rows(_HANDOVERS, user, access=access)
    transitions = dict(TransitionType.choices)

    def item(h):
        if h["sent_at"]:
            note = _("Give the receipt")
        elif h["consent__status"] == ConsentStatus.GIVEN:
            note = _("The parents said yes: send it")
        else:
            note = _("Waiting for the parents' answer")
        transition = transitions.get(h["transition"], h["transition"])
        text = f"{child_name(h)} · {transition} → {h['receiving_unit__name']}"
        # The transition's day orders the lines; it is the day the child moves, not a deadline.
        day = day_text(h["transition_date"])
        moves = _("the transition %(date)s") % {"date": day}
        return Item(
            text,
            link("cases:handover_detail", h["id"]),
            h["transition_date"],
            False,
            f"{note} · {moves}",
            deadline=False,
        )

    return section_of(
        rows,
        make_item=item,
        names_child=True,
        key="handovers",
        heading=_("Handovers"),
        empty=_("No handover waits for you."),
        order=40,
        more_url=link("cases:handover_list"),
    )


# --- for guardians ------------------------------------------------------------------------------


def _guardian_answers(values, roles):
    user, access = stand_ins(values, roles)
    handover = Handover.objects.filter(consent_id=OuterRef("pk"))
    return (
        Consent.objects.filter(
            # The guardian it names, or the young person giving it for themself.
            Q(guardian__user=user) | Q(given_by_child=True, child__user=user),
            status=ConsentStatus.AWAITING_GUARDIAN,
            child__municipality_id=user.municipality_id,
        )
        .filter(access.visible("child_id"))
        .annotate(handover_id=handover.values("pk")[:1])
        .annotate(total=total_count())
        .order_by("valid_until", "pk")
        .values("id", "handover_id", *CHILD_COLUMNS, "total")[:LIMIT]
    )


_GUARDIAN_ANSWERS = CompiledQuery(_guardian_answers)


def guardian_answers_section(user, *, now, access):
    """What waits for a guardian's answer: consents, and the handovers' parts (their consent and
    their own view). Minutes to confirm come from meetings."""
    if _is_staff(user) or user.municipality_id is None:
        return None
    rows = compiled_rows(_GUARDIAN_ANSWERS, user, access=access)

    def item(c):
        # The answer is given on the handover's page, or on the child's page beside the consent.
        if c["handover_id"]:
            url = link("cases:handover_detail", c["handover_id"])
            note = _("A handover waits for your consent and your own view")
        else:
            url = link("cases:child_detail", c["child_id"]) + f"#consent-{c['id']}"
            note = _("A consent waits for your answer")
        return Item(child_name(c), url, None, False, note)

    return section_of(
        rows,
        make_item=item,
        key="answers",
        heading=_("Waiting for your answer"),
        empty=_("Nothing waits for your answer."),
        order=10,
    )


def guardian_children_section(user, *, now, access):
    """A guardian's own children (the look is logged, as on their pages)."""
    if _is_staff(user) or user.municipality_id is None:
        return None
    if access.ids(bases=[Basis.YOUNG_PERSON]) and not access.ids(bases=[Basis.GUARDIAN]):
        return None  # a young person's own login: young_person_section
    children = children_of_guardian(user, access=access)
    return Section(
        key="children",
        heading=_("Your children"),
        count=len(children),
        items=tuple(
            Item(child.full_name, link("cases:child_detail", child.pk)) for child in children
        ),
        empty=_("No children are linked to your login."),
        order=90,
    )


def young_person_section(user, *, now, access):
    """The young person's own page, through their own login (the look is logged there)."""
    if _is_staff(user) or not access.ids(bases=[Basis.YOUNG_PERSON]):
        return None
    own = child_of_young_person(user, access=access)
    return Section(
        key="own_page",
        heading=_("Your page"),
        count=1 if own else 0,
        items=(
            (
                Item(
                    own.full_name,
                    reverse("cases:child_detail", args=[own.pk]),
                    note=_("Your consents, your plan and your own words"),
                ),
            )
            if own
            else ()
        ),
        empty=_("No page is linked to your login."),
        order=90,
    )


CASES_SECTIONS = (
    tasks_and_reviews_sections,
    consents_expiring_section,
    handovers_section,
    guardian_answers_section,
    guardian_children_section,
    young_person_section,
)
