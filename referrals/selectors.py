"""Reads of notifications, referrals and consultations. Notifications are seen by the social-work
side of the municipality (statutory basis) and, for the status only, by the professional who
sent them. Everything else gets 404, like a notification that does not exist."""

import time
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Value
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.html import avoid_wrapping
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.selectors import child_get_for
from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import access_log_record, access_log_record_many, get_or_refuse, refuse
from trivsel.database.compiled import CompiledQuery, user_stand_in, user_values
from trivsel.organisation.models import (
    SOCIAL_WORK_ROLES,
    SOCIAL_WORK_UNIT_TYPES,
    Role,
    StaffProfile,
    UnitType,
)
from trivsel.organisation.selectors import leads_unit, staff_choices

from .models import (
    AnonymousConsultation,
    Category,
    Channel,
    DialogueUnderretning,
    Notifier,
    PublicFormUse,
    Referral,
    ReferralStatus,
    Route,
    Status,
    Triage,
    Underretning,
)

# The units whose social workers and team leaders receive notifications: the social-work side.
INTAKE_UNIT_TYPES = tuple(SOCIAL_WORK_UNIT_TYPES)
# Units that receive referrals (the single entry point's weekly triage).
REFERRAL_UNIT_TYPES = (UnitType.PPR, UnitType.SOCIAL_AUTHORITY, UnitType.INTAKE)
CASELOAD_TARGET = 25
CASELOAD_MAX = 30
QUEUE_PAGE_SIZE = 25


def is_social_work(user):
    """A socialrådgiver or teamleder of an intake or authority unit of the user's municipality."""
    if not getattr(user, "is_authenticated", False) or user.municipality_id is None:
        return False
    cached = getattr(user, "_referrals_social_work", None)
    if cached is None:
        in_unit = getattr(user, "in_social_work_unit", None)
        if in_unit is not None:  # read with the signed-in user (trivsel.organisation.backends)
            profile = user.staff_profile_or_none
            cached = in_unit and profile is not None and profile.has_role(*SOCIAL_WORK_ROLES)
        else:
            cached = bool(_SOCIAL_WORK.tuples(user_values(user)))
        user._referrals_social_work = cached
    return cached


def _social_work_profile(values):
    # Asked on every page of the social-work side and on Mit overblik: built and compiled once
    # per process (trivsel.database.compiled).
    user = user_stand_in(values, roles=None)
    return StaffProfile.objects.filter(
        user=user,
        roles__overlap=list(SOCIAL_WORK_ROLES),
        units__type__in=INTAKE_UNIT_TYPES,
        units__municipality_id=user.municipality_id,
    ).values("pk")[:1]


_SOCIAL_WORK = CompiledQuery(_social_work_profile)


# The public form: at most this many notifications per connection and municipality in the window.
PUBLIC_RATE_LIMIT = getattr(settings, "REFERRALS_PUBLIC_RATE_LIMIT", 5)
PUBLIC_RATE_WINDOW = timedelta(hours=1)


def public_form_limit_reached(*, municipality, client):
    """Whether this connection has sent the most notifications the window allows (counted in
    PostgreSQL, so the limit holds with Redis away)."""
    since = timezone.now() - PUBLIC_RATE_WINDOW
    used = PublicFormUse.objects.filter(municipality=municipality, client=client, at__gte=since)
    return used.count() >= PUBLIC_RATE_LIMIT


def underretning_list_visible_to(user):
    if not is_social_work(user):
        return Underretning.objects.none()
    return Underretning.objects.filter(municipality_id=user.municipality_id)


def underretning_get_for(user, pk, *, purpose):
    """The notification for the social-work side (logged with the statutory basis), or 404."""
    underretning = get_or_refuse(
        underretning_list_visible_to(user).select_related(
            "child", "assigned_to", "notifier", "notifier_unit", "recorded_by"
        ),
        pk,
        actor=user,
        purpose=purpose,
    )
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=Basis.STATUTORY,
        obj=underretning,
        child_id=underretning.child_id,
        purpose=purpose,
        topic=Topic.SOCIAL_WORK,
    )
    return underretning


def underretninger_sent_by(user):
    """The professional's own notifications: their status, nothing more about the child."""
    if not getattr(user, "is_authenticated", False):
        return Underretning.objects.none()
    return Underretning.objects.filter(
        notifier=user, municipality_id=user.municipality_id
    ).order_by("-received_at")


# --- The intake dashboard ---------------------------------------------------------------------

_open = Q(closed_at__isnull=True)
QUEUE_FILTERS = {
    "open": _open,
    "new": _open & Q(assigned_to__isnull=True),
    "assessment": _open & Q(assessed_at__isnull=True),
    # A receipt still owed, also on a closed notification: its clock runs on its own.
    "receipt": Q(receipt_due_at__isnull=False, receipt_sent_at__isnull=True),
    "investigating": Q(status=Status.INVESTIGATING),
    "closed": Q(closed_at__isnull=False),
}


# How long the intake's counts, caseload and rendered queue pages are shared from the cache.
# Every write of a notification expires them at once (intake_cache_expire); the time limit only
# bounds how old a relative deadline text ("frist om 3 timer") can get.
CACHE_SECONDS = 30
MAX_PAGE_NUMBER = 100_000  # a cache key never holds an arbitrary number from the address
QUEUE_ROW_FIELDS = (
    "municipality_id",
    "route",
    "notifier_kind",
    "channel",
    "category",
    "child_id",
    "child_name_given",
    "suspected_violence",
    "received_at",
    "status",
    "triage",
    "next_deadline",
    "closed_at",
    "child__first_name",
    "child__last_name",
    "assigned_to__username",
    "assigned_to__first_name",
    "assigned_to__last_name",
)


def _generation_key(municipality_id):
    return f"referrals:generation:{municipality_id}"


def intake_cache_expire(municipality_id):
    """Expire everything cached about the municipality's intake: the cache keys carry a
    generation token, and a new token makes every old entry unreachable (they lapse on their
    own). A fresh time-based token, not a counter, so a token lost from the cache can never be
    reused for stale entries."""
    cache.set(_generation_key(municipality_id), time.time_ns(), None)


def _generation(municipality_id):
    return cache.get_or_set(_generation_key(municipality_id), time.time_ns, None)


def _queue_counts(base):
    # Counted over the open rows only (the partial index): closed ones are not counted.
    return base.filter(_open).aggregate(
        **{n: Count("pk", filter=q) for n, q in QUEUE_FILTERS.items() if n != "closed"}
    )


def _counts_key(municipality_id):
    return f"referrals:counts:{municipality_id}"


def _summary(user, base, generation):
    """The counts per filter and the caseload, cached per municipality and generation."""
    key = f"referrals:summary:{user.municipality_id}:{generation}"
    summary = cache.get(key)
    if summary is None:
        counts = _queue_counts(base)
        summary = {"counts": counts, "caseload": caseload_for(user)}
        cache.set_many(
            {
                key: summary,
                _counts_key(user.municipality_id): {"generation": generation, "counts": counts},
            },
            CACHE_SECONDS,
        )
    return summary


def queue_counts_for(user):
    """The intake queue's counts per filter (the queue page's own, shared from the cache as they
    are; cached on their own too, so that a page showing only them, Mit overblik, does not read
    the caseload's rows with them). The social-work side only.

    The counts carry the generation they were counted in, so they are read together with the
    current generation in one round trip to Redis, and used only if the two agree."""
    municipality_id = user.municipality_id
    key = _counts_key(municipality_id)
    found = cache.get_many([_generation_key(municipality_id), key])
    generation = found.get(_generation_key(municipality_id)) or _generation(municipality_id)
    entry = found.get(key)
    if entry is not None and entry["generation"] == generation:
        return entry["counts"]
    counts = _queue_counts(underretning_list_visible_to(user))
    cache.set(key, {"generation": generation, "counts": counts}, CACHE_SECONDS)
    return counts


def _page_number(page):
    try:
        return min(max(int(page), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


def queue_page_for(user, *, filter_name="open", page=None, render):
    """One page of the intake queue for the social-work side (404 for anyone else), rendered.

    The queue is the same for everyone on the municipality's social-work side, and a
    socialrådgiver's page refreshes it every 30 seconds, so the rendered page is shared from
    the cache: `render(context)` turns the queue's context into a dict of HTML fragments
    and is called only on a miss. Every look is logged, from the cache or not.

    Returns {"html": …, "counts": …, "page_number": …, "filter_name": …}: an unknown filter is
    the open ones."""
    if not is_social_work(user):
        raise Http404
    if filter_name not in QUEUE_FILTERS:
        filter_name = "open"
    number = _page_number(page)
    generation = _generation(user.municipality_id)
    key = (
        f"referrals:queue:{user.municipality_id}:{generation}:{filter_name}:{number}:"
        f"{get_language()}"
    )
    entry = cache.get(key)
    if entry is None:
        context = _queue_context(user, filter_name, number, generation)
        entry = {
            "html": render(context),
            "counts": context["counts"],
            "page_number": context["page"].number,
            "looks": [(n.pk, n.child_id) for n in context["page"].object_list],
        }
        cache.set(key, entry, CACHE_SECONDS)
    access_log_record_many(
        actor=user,
        action=Action.READ,
        looks=[(pk, child_id, Basis.STATUTORY) for pk, child_id in entry["looks"]],
        model=Underretning,
        purpose=_("Intake queue"),
        topic=Topic.SOCIAL_WORK,
    )
    return {**entry, "filter_name": filter_name}


def _queue_context(user, filter_name, page, generation):
    """The page of the queue, the counts per filter and the caseload per caseworker, in a fixed
    number of queries whatever the size of the municipality. Not logged here: queue_page_for
    logs the looks, also when the page comes from the cache."""
    base = underretning_list_visible_to(user)
    summary = _summary(user, base, generation)
    counts = summary["counts"]
    rows = base.filter(QUEUE_FILTERS[filter_name])
    if filter_name == "closed":
        rows = rows.order_by("-closed_at", "-pk")
    else:
        rows = rows.order_by(F("next_deadline").asc(nulls_last=True), "pk")
    # Only what a row shows: the notification's own text is read on its page, not in the queue.
    rows = rows.select_related("child", "assigned_to").only(*QUEUE_ROW_FIELDS)
    paginator = Paginator(rows, QUEUE_PAGE_SIZE)
    if filter_name in counts:
        # The summary already counted the rows: no second COUNT query.
        paginator.count = counts[filter_name]
    page = paginator.get_page(page)
    groups = _group_repeats(base, list(page.object_list))
    now = timezone.now()
    # Each label translated once per page: get_FOO_display() translates every choice per call.
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("category", Category.choices),
            ("notifier_kind", Notifier.choices),
            ("channel", Channel.choices),
            ("triage", Triage.choices),
            ("status", Status.choices),
            ("route", Route.choices),
        )
    }
    for n in groups:
        n.clock = deadline_text(n.next_deadline, now=now)
        for row in (n, *n.repeats):
            for name, by_value in labels.items():
                setattr(row, f"{name}_label", by_value.get(getattr(row, name), ""))
    return {"page": page, "groups": groups, "filter_name": filter_name, **summary}


def deadline_text(due, *, now=None, done_at=None):
    """ "frist om 3 timer" / "overskredet siden 2 dage", or for a done step whether it was on
    time. One unit, rounded down, like Django's timesince with depth 1."""
    if due is None:
        return ""
    if done_at is not None:
        if done_at > due:
            return _("done late (%(time)s after the deadline)") % {"time": _span(due, done_at)}
        return _("done in time")
    now = now or timezone.now()
    if due >= now:
        return _("due in %(time)s") % {"time": _span(due, now)}
    return _("overdue since %(time)s") % {"time": _span(due, now)}


# The units below a month, largest first, in seconds (Django's TIME_CHUNKS).
_SHORT_UNITS = (("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))


@lru_cache(maxsize=1024)
def _span_words(unit, count, language):
    return avoid_wrapping(TIME_STRINGS[unit] % {"num": count})


def _span(due, other):
    """The time between a deadline and another moment, before or after it, in its largest unit,
    rounded down: "3 dage", as Django's timesince(due, other, depth=1) and timeuntil say it
    (years and months by the calendar, in the deadline's time zone). Its words are made once per
    unit, number and language rather than translated again for every line: the queue and Mit
    overblik write one per notification."""
    if timezone.is_aware(due) and timezone.is_aware(other):
        other = other.astimezone(due.tzinfo)
    earlier, later = (due, other) if due <= other else (other, due)
    delta = later - earlier
    seconds = delta.days * 86400 + delta.seconds
    language = get_language()
    if seconds >= 28 * 86400:  # a calendar month at the least
        months = (later.year - earlier.year) * 12 + later.month - earlier.month
        if (earlier.day, earlier.time()) > (later.day, later.time()):
            months -= 1
        if months >= 12:
            return _span_words("year", months // 12, language)
        if months:
            return _span_words("month", months, language)
    for unit, length in _SHORT_UNITS:
        if seconds >= length:
            return _span_words(unit, seconds // length, language)
    return _span_words("minute", 0, language)


def _group_repeats(base, underretninger):
    """Repeat notifications about the same child shown together (never merged): the first of a
    child on the page carries all the child's others as `repeats`, one query for the page."""
    child_ids = {n.child_id for n in underretninger if n.child_id}
    others = {}
    if child_ids:
        for other in (
            base.filter(child_id__in=child_ids)
            .only(
                "pk",
                "child_id",
                "received_at",
                "category",
                "status",
                "notifier_kind",
                "channel",
                "triage",
                "route",
            )
            .order_by("-received_at")
        ):
            others.setdefault(other.child_id, []).append(other)
    groups, seen = [], set()
    for n in underretninger:
        if n.child_id and n.child_id in seen:
            continue
        if n.child_id:
            seen.add(n.child_id)
        n.repeats = [o for o in others.get(n.child_id, []) if o.pk != n.pk]
        groups.append(n)
    return groups


def caseworkers_of(user):
    """The socialrådgivere of the municipality's intake and authority units: of the staff the
    user may choose, those with the role in such a unit."""
    social_workers = StaffProfile.objects.filter(
        roles__contains=[Role.SOCIAL_WORKER], units__type__in=INTAKE_UNIT_TYPES
    ).values("user_id")
    return staff_choices(user).filter(pk__in=social_workers)


def caseload_for(user):
    """Open notifications per caseworker, counted on the open rows (two small queries)."""
    open_counts = dict(
        Underretning.objects.filter(
            municipality_id=user.municipality_id, closed_at__isnull=True, assigned_to__isnull=False
        )
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(
        caseworkers_of(user).select_related(None).only("pk", "username", "first_name", "last_name")
    )
    for row in rows:
        row.open_count = open_counts.get(row.pk, 0)
        row.over_target = row.open_count > CASELOAD_TARGET
        row.over_max = row.open_count > CASELOAD_MAX
    return rows


# --- Dialogue-based notifications ----------------------------------------------------------


def dialogues_for(user):
    """The dialogue-based notifications the user started, leads the unit of, or is invited to."""
    if not user.is_authenticated:
        return DialogueUnderretning.objects.none()
    led = StaffProfile.units.through.objects.filter(
        staffprofile__user=user,
        staffprofile__roles__overlap=[Role.LEADER, Role.TEAM_LEADER],
    ).values("unit_id")
    return (
        DialogueUnderretning.objects.filter(municipality_id=user.municipality_id)
        .filter(Q(started_by=user) | Q(unit__in=led) | Q(social_worker=user))
        .select_related("unit", "meeting")
        .order_by("-created_at")
    )


def choice_labels(choices):
    """{value: label} of a TextChoices, translated once per process and language: `choices`
    translates every label at each call, and the intake's lists ask for them on every visit."""
    return _choice_labels(choices, get_language())


@lru_cache(maxsize=32)
def _choice_labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


def _intake_dialogues(values):
    # The intake page asks it at every visit and its 30-second refresh does not: built and
    # compiled once per process (trivsel.database.compiled).
    user = user_stand_in(values, roles=None)
    return (
        dialogues_for(user)
        .filter(underretning__isnull=True)
        .values("id", "meeting__starts_at", "unit__name", "category")[:INTAKE_DIALOGUES]
    )


INTAKE_DIALOGUES = 20
_INTAKE_DIALOGUES = CompiledQuery(_intake_dialogues)


def intake_dialogues_for(user):
    """The dialogue meetings the user is invited to (or started, or leads the unit of) whose
    notification is not yet received, newest first, at most INTAKE_DIALOGUES: the intake page's
    list, as dicts with the concern's label."""
    labels = choice_labels(Category)
    rows = _INTAKE_DIALOGUES.rows(user_values(user))
    for row in rows:
        row["category_label"] = labels.get(row["category"], "")
    return rows


def dialogue_get_for(user, pk):
    """The dialogue route for the people in it: the teacher/pædagog who started it, the leaders
    of the unit, and the invited social worker (who sees only the short type of concern)."""
    purpose = _("Dialogue-based notification")
    dialogue = get_or_refuse(
        DialogueUnderretning.objects.filter(municipality_id=user.municipality_id).select_related(
            "child", "unit", "started_by", "social_worker", "meeting", "underretning"
        ),
        pk,
        actor=user,
        purpose=purpose,
    )
    if dialogue.started_by_id == user.pk or leads_unit(user, dialogue.unit_id):
        dialogue.viewer = "unit"
        basis = Basis.ENROLMENT
    elif dialogue.social_worker_id == user.pk:
        dialogue.viewer = "social_worker"
        basis = Basis.STATUTORY
    else:
        refuse(actor=user, what="referrals.dialogueunderretning", pk=pk, purpose=purpose)
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=basis,
        obj=dialogue,
        child_id=dialogue.child_id if dialogue.viewer == "unit" else None,
        purpose=purpose,
        topic=Topic.SOCIAL_WORK,
    )
    return dialogue


# --- Referrals and consultations ---------------------------------------------------------------


def referrals_for(user):
    """(sent by my units, received by my units) — the receiving side's list is the single
    entry point's triage list, oldest unanswered first."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None:
        return Referral.objects.none(), Referral.objects.none()
    unit_ids = list(profile.units.values_list("pk", flat=True))
    base = Referral.objects.filter(municipality_id=user.municipality_id).select_related(
        "child", "from_unit", "to_unit", "sent_by", "answered_by", "consent"
    )
    sent = base.filter(Q(sent_by=user) | Q(from_unit__in=unit_ids)).order_by("-sent_at")
    received = base.filter(to_unit__in=unit_ids).order_by(
        F("answered_at").desc(nulls_first=True), "sent_at"
    )
    return sent, received


def referral_topic(unit):
    """What the guardians' log may learn of a referral's looks: nothing when it goes to the
    social-work side (trivsel.audit.rules), the consent's sharing when it goes to PPR or
    another unit."""
    return Topic.SOCIAL_WORK if unit.type in SOCIAL_WORK_UNIT_TYPES else Topic.CONSENT


def referral_get_for(user, pk, *, purpose=None):
    """The referral for the sending side (their own record, as sent, whatever became of the
    consent) or for the receiving unit's staff — these only through the access engine: while
    the parents' consent recorded with the referral gives them the child, and 404 otherwise
    (an old referral without one, a consent awaited, withdrawn or expired). Logged either way."""
    purpose = purpose or _("Referral")
    sent, received = referrals_for(user)
    referral = get_or_refuse(
        (sent | received).distinct().select_related("consent", "consent__guardian"),
        pk,
        actor=user,
        purpose=purpose,
    )
    topic = referral_topic(referral.to_unit)
    if sent.filter(pk=referral.pk).exists():
        referral.side = "sender"
        access_log_record(
            actor=user,
            action=Action.READ,
            basis=Basis.OWN_RECORD,
            obj=referral,
            child_id=referral.child_id,
            purpose=purpose,
            topic=topic,
        )
        return referral
    referral.side = "receiver"
    if referral.consent_id is None:
        refuse(actor=user, what="referrals.referral", pk=pk, purpose=purpose)
    child_get_for(
        user,
        referral.child_id,
        purpose=purpose,
        topic=topic,
        consent_id=referral.consent_id,
    )
    return referral


def weekly_triage(received, *, today=None):
    """The receiving units' referrals of the current week and every unanswered older one."""
    today = today or timezone.localdate()
    week_start = today - timezone.timedelta(days=today.weekday())
    return received.filter(
        Q(status=ReferralStatus.SENT) | Q(sent_at__date__gte=week_start)
    ).order_by("status", "sent_at")


def consultation_counts(user):
    """Anonymous consultations per unit and month: counts only, never the topics' children."""
    return (
        AnonymousConsultation.objects.filter(municipality_id=user.municipality_id)
        .values("unit__name", "month")
        .annotate(count=Count("pk"))
        .order_by("-month", "unit__name")
    )


# --- The intake's figures (issue #16, point 6) --------------------------------------------------

FIGURE_MONTHS = 12  # this month and the twelve before it
# Each clock is counted in the month its deadline falls, over the rows whose deadline has passed
# or whose step is done (a clock still running is not yet in time nor late).
FIGURE_CLOCKS = {
    "assessment": ("assessment_due_at", "assessed_at"),
    "receipt": ("receipt_due_at", "receipt_sent_at"),
    "investigation": ("investigation_due_at", "investigation_finished_at"),
}


def _month_starts(today):
    first = today.replace(day=1)
    months = [first]
    for _month in range(FIGURE_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months  # newest first


def intake_figures_for(user, *, now=None):
    """The intake's figures for this month and each of the last twelve, newest first: how many
    notifications were received, and for each clock how many of those due (or done) that month
    were done in time. Counted in SQL, in one query (a UNION of one GROUP BY per clock, months in
    Copenhagen time), for the user's municipality; cached like the queue's counts. The caller
    has checked that the user is on the social-work side.

    Returns {"any": whether anything was counted, "months": [{"month": date, "received": n,
    "assessment": {"in_time", "total", "percent"}, "receipt": …, "investigation": …, "shares":
    the three clocks in that order}, …]}; "percent" is None when nothing was due."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    months = _month_starts(timezone.localdate(now, zone))
    key = (
        f"referrals:figures:{user.municipality_id}:{_generation(user.municipality_id)}:"
        f"{months[0]:%Y-%m}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = _intake_figures(user.municipality_id, months, now, zone)
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def intake_figures_html_for(user, *, render, now=None):
    """The intake figures as `render(figures)` writes them (the intake page's table), shared
    from the cache like the queue's fragments: the same for everyone on the municipality's
    social-work side, until a notification changes or the month turns, per language. The caller
    has checked that the user is on the social-work side."""
    now = now or timezone.now()
    month = timezone.localdate(now, timezone.get_default_timezone())
    key = (
        f"referrals:figures-html:{user.municipality_id}:{_generation(user.municipality_id)}:"
        f"{month:%Y-%m}:{get_language()}"
    )
    html = cache.get(key)
    if html is None:
        html = render(intake_figures_for(user, now=now))
        cache.set(key, html, CACHE_SECONDS)
    return html


def _intake_figures(municipality_id, months, now, zone):
    start = timezone.make_aware(datetime.combine(months[-1], datetime.min.time()), zone)
    end = timezone.make_aware(
        datetime.combine((months[0] + timedelta(days=32)).replace(day=1), datetime.min.time()), zone
    )
    rows = Underretning.objects.filter(municipality_id=municipality_id).order_by()
    # A deadline at the end of a day is midnight of the next one: counted in the month of the
    # day it ends (and `end` includes the midnight that ends this month).
    just_before = timedelta(microseconds=1)

    everything = Q()

    def grouped(name, at, *, counted=everything, in_time=everything, shift=just_before):
        return (
            rows.filter(counted, **{f"{at}__gte": start, f"{at}__lte": end})
            .annotate(month=TruncMonth(F(at) - shift, tzinfo=zone))
            .values("month")
            .annotate(
                clock=Value(name),
                total=Count("pk"),
                in_time=Count("pk", filter=in_time),
            )
            .values_list("clock", "month", "total", "in_time")
        )

    parts = [grouped("received", "received_at", shift=timedelta(0))]
    for name, (due, done) in FIGURE_CLOCKS.items():
        # Every row with this clock that is done (in time or late) or whose deadline has passed
        # undone; a clock still running is not counted yet.
        parts.append(
            grouped(
                name,
                due,
                counted=Q(**{f"{done}__isnull": False}) | Q(**{f"{due}__lte": now}),
                in_time=Q(**{f"{done}__lte": F(due)}),
            )
        )
    counted = {
        (clock, timezone.localtime(month, zone).date()): (total, in_time)
        for clock, month, total, in_time in parts[0].union(*parts[1:], all=True)
    }

    def share(name, month):
        total, in_time = counted.get((name, month), (0, 0))
        percent = round(100 * in_time / total) if total else None
        return {"in_time": in_time, "total": total, "percent": percent}

    rows = []
    for month in months:
        row = {"month": month, "received": counted.get(("received", month), (0, 0))[0]}
        row.update((name, share(name, month)) for name in FIGURE_CLOCKS)
        row["shares"] = [row[name] for name in FIGURE_CLOCKS]  # the table's columns, in order
        rows.append(row)
    return {"months": rows, "any": bool(counted)}
