"""Reads of children's data. Every view goes through these: they fetch and authorize in one step,
answer 404 for missing and forbidden alike, and write the access log."""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, CharField, F, Func, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis, Topic
from trivsel.audit.services import (
    access_log_record,
    access_log_record_many,
    get_or_refuse,
    refuse,
)
from trivsel.database.compiled import CompiledQuery, user_stand_in, user_values
from trivsel.extension_points import ExtensionPoint
from trivsel.organisation.models import (
    LEADER_ROLES,
    SOCIAL_WORK_ROLES,
    SOCIAL_WORK_UNIT_TYPES,
    User,
)

from .access import live_grants, permission_ids
from .capabilities import (
    NO_SCREENING,
    ChildCapabilities,
    first_basis,
    screening_scope_from,
)
from .models import (
    CONSENT_SOURCE,
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    DataKind,
    Enrolment,
    ExchangeGrant,
    Task,
    TaskStatus,
    TimelineEntry,
    TimelineKind,
)


def current_enrolments(today=None):
    today = today or timezone.localdate()
    return Enrolment.objects.filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)


class _AnyOf(Func):
    """`expression = ANY(array)`: PostgreSQL's membership test in an array."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class _ArrayConcat(Func):
    template = "(%(expressions)s)"
    arg_joiner = " || "


def _grants(user, *, kind=None, bases=None, consent_id=None, child_ids=None, now=None):
    """The user's live grant rows (of one kind, on one of `bases`, through one consent, about
    some children — each if given): their own rows and their units'/groups' rows, as two
    querysets. Every access check of cases asks its grants here: one rule, one place."""
    conditions = {}
    if kind is not None:
        conditions["permission_id"] = permission_ids()[DataKind(kind)]
    if bases is not None:
        conditions["basis__in"] = list(bases)
    if consent_id is not None:
        conditions.update(source_type="consent", source_id=consent_id)
    if child_ids is not None:
        conditions["content_object_id__in"] = child_ids
    live = live_grants(now)
    own = ChildUserObjectPermission.objects.filter(live, user_id=user.pk, **conditions)
    # The user's auth groups straight from the membership table: no join through auth_group.
    memberships = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
    via_groups = ChildGroupObjectPermission.objects.filter(
        live, group_id__in=memberships, **conditions
    )
    return own, via_groups


def child_list_visible_to(user, *, kind=DataKind.BASIC, bases=None, consent_id=None):
    """The children this user may see information of `kind` about (on one of `bases`, or
    through one consent, if given), as one query."""
    if not user.is_authenticated or user.municipality_id is None:
        return Child.objects.none()
    own, via_groups = _grants(user, kind=kind, bases=bases, consent_id=consent_id)
    # `id = ANY(ARRAY(own grants) || ARRAY(group grants))`, not `id IN (own UNION groups)`: the
    # planner cannot know how many children a union gives (it guessed 930 for a social worker
    # with 56) and then read all 100,000 children to hash-join them. The arrays are computed
    # first, from the grant indexes, and the children are then fetched by primary key, however
    # many there are; duplicates in the arrays do no harm (bench/children.py, README).
    granted = _ArrayConcat(
        ArraySubquery(own.values("content_object_id")),
        ArraySubquery(via_groups.values("content_object_id")),
    )
    # Tenancy on top of every grant.
    return Child.objects.filter(_AnyOf(F("pk"), granted), municipality_id=user.municipality_id)


def _access_grants(values):
    """ChildAccess's grant rows (_grants, with stand-ins: trivsel.database.compiled)."""
    own, via_groups = _grants(user_stand_in(values, roles=None), now=values.moment("now"))
    fields = ("content_object_id", "permission_id", "basis")
    return own.values(*fields).union(via_groups.values(*fields), all=True)


def _access_tenancy(sql, values):
    # Tenancy on top: the grants' children in the user's municipality. Asked of the children
    # the grants name (by primary key) rather than joined to every grant row: the join's
    # estimate (a lookup per grant row) made PostgreSQL start two parallel workers for a
    # query that needs half a millisecond, costing a caseworker's page 5-10 ms.
    return (
        f"WITH grants AS ({sql}) SELECT * FROM grants WHERE content_object_id = ANY(ARRAY("  # noqa: S608
        "SELECT id FROM cases_child WHERE municipality_id = %s"
        " AND id = ANY(ARRAY(SELECT content_object_id FROM grants))))",
        (values.integer("municipality"),),
    )


_ACCESS_GRANTS = CompiledQuery(_access_grants, wrap=_access_tenancy)


class ChildAccess:
    """The user's live grants read once, for a page that asks many questions of them (Mit
    overblik): which children the user may see information of a kind about (on some bases), and
    on what basis. Its answers are child_list_visible_to's and child_bases_for's, from the same
    grant rows (_grants) under the same tenancy — only read once, at the start of the request,
    instead of once per question. It lives for one request: never cache it."""

    def __init__(self, user):
        if not user.is_authenticated or user.municipality_id is None:
            self._rows = ()
            return
        values = user_values(user)
        values["now"] = timezone.now()
        self._rows = _ACCESS_GRANTS.tuples(values)

    def _matching(self, kind, bases):
        if not hasattr(self, "_by_permission"):
            # The rows by kind, sorted out once: a page asks several questions of each kind.
            self._by_permission = {}
            for child_id, permission, basis in self._rows:
                self._by_permission.setdefault(permission, []).append((child_id, basis))
        rows = self._by_permission.get(permission_ids()[DataKind(kind)], ())
        if bases is None:
            return rows
        bases = {str(b) for b in bases}
        return [(child_id, basis) for child_id, basis in rows if basis in bases]

    def ids(self, *, kind=DataKind.BASIC, bases=None):
        """The ids child_list_visible_to(user, kind=…, bases=…) gives, sorted."""
        return sorted({child_id for child_id, _basis in self._matching(kind, bases)})

    def visible(self, field, *, kind=DataKind.BASIC, bases=None):
        """A filter: `field` (a child id) is one of those the user may see, as
        `child__in=child_list_visible_to(…)` would, but with the ids given (one array parameter)
        rather than the grants' subqueries built, compiled and planned again."""
        ids = self.ids(kind=kind, bases=bases)
        return _AnyOf(F(field), RawSQL("%s::bigint[]", (ids,)))

    def values(self, user_values):
        """The values of a compiled query (trivsel.database.compiled) for this user: theirs, and
        the children of each question an AccessStandIn was asked, by its name."""
        return _AccessValues(user_values, self)

    def ids_text(self, name):
        """The ids of a question named by _children_name, as PostgreSQL's text of an array: one
        string for psycopg to send, not a list it would write out element by element (the
        query casts it, `%s::bigint[]`). Made once per question for all the page's sections."""
        texts = self.__dict__.setdefault("_texts", {})
        text = texts.get(name)
        if text is None:
            _children, kind, bases = name.split(" ")
            bases = None if bases == "*" else bases.split(",")
            ids = self.ids(kind=kind, bases=bases)
            text = texts[name] = "{" + ",".join(map(str, ids)) + "}"
        return text

    def bases_for(self, child_ids, *, kind=DataKind.BASIC):
        """child_bases_for(user, child_ids, kind=…) from the rows read."""
        wanted = set(child_ids)
        found = {}
        for child_id, basis in self._matching(kind, None):
            if child_id in wanted:
                found.setdefault(child_id, set()).add(basis)
        return {child_id: first_basis(bases) for child_id, bases in found.items()}


def _children_name(kind, bases):
    bases = "*" if bases is None else ",".join(sorted(str(b) for b in bases))
    return f"children {DataKind(kind).value} {bases}"


class AccessStandIn:
    """ChildAccess's visible() for a compiled query: the children's ids a stand-in array, named
    by the question (kind, bases), whose ids ChildAccess.values gives at each run."""

    def __init__(self, values):
        self._values = values

    def visible(self, field, *, kind=DataKind.BASIC, bases=None):
        ids = self._values.ids(_children_name(kind, bases))
        return _AnyOf(F(field), RawSQL("%s::bigint[]", (ids,)))


class _AccessValues(dict):
    def __init__(self, user_values, access):
        super().__init__(user_values)
        self._access = access

    def __missing__(self, name):
        self[name] = text = self._access.ids_text(name)
        return text


def child_bases_for(user, child_ids, *, kind=DataKind.BASIC, bases=None):
    """{child id: the basis of the user's access} for a page of children, in one query."""
    own, via_groups = _grants(user, kind=kind, bases=bases, child_ids=child_ids)
    rows = own.values_list("content_object_id", "basis").union(
        via_groups.values_list("content_object_id", "basis")
    )
    found = {}
    for child_id, basis in rows:
        found.setdefault(child_id, set()).add(basis)
    return {child_id: first_basis(bases) for child_id, bases in found.items()}


def child_capabilities(user, child_id):
    """What this user may see of and do with one child now (cases.capabilities), in one query."""
    own, via_groups = _grants(user, child_ids=[child_id])
    fields = ("permission_id", "basis")
    kind_of = {permission_id: kind for kind, permission_id in permission_ids().items()}
    profile = user.staff_profile_or_none if user.is_authenticated else None
    return ChildCapabilities(
        user_id=user.pk,
        grants=frozenset(
            (kind_of[permission_id], Basis(basis))
            for permission_id, basis in own.values_list(*fields).union(
                via_groups.values_list(*fields)
            )
            if permission_id in kind_of
        ),
        roles=frozenset(profile.roles) if profile else frozenset(),
    )


def screening_scopes_for(user, child_ids):
    """{child id: ScreeningScope} — which units' screening of each child the user may read
    (cases.capabilities.screening_scope_from decides), in three queries for any number of
    children. Every route to screening records asks this."""
    child_ids = list(child_ids)
    if not child_ids or not user.is_authenticated:
        return {pk: NO_SCREENING for pk in child_ids}
    own, via_groups = _grants(user, kind=DataKind.SCREENING, child_ids=child_ids)
    fields = ("content_object_id", "basis", "source_type", "source_id")
    rows = own.values_list(*fields).union(via_groups.values_list(*fields))
    # The exchange's first meeting and its follow-up meeting name the same participants.
    rows = [
        (child_id, basis, "exchange" if stype == "exchange_follow_up" else stype, sid)
        for child_id, basis, stype, sid in rows
    ]
    enrolment_ids = {sid for _c, _b, stype, sid in rows if stype == "enrolment"}
    exchange_ids = {sid for _c, _b, stype, sid in rows if stype == "exchange"}
    units = {}
    if enrolment_ids:
        for pk, unit_id in Enrolment.objects.filter(pk__in=enrolment_ids).values_list(
            "pk", "unit_id"
        ):
            units[("enrolment", pk)] = {unit_id}
    if exchange_ids:
        participants = ExchangeGrant.participants.through.objects.filter(
            exchangegrant_id__in=exchange_ids, user__staff_profile__units__isnull=False
        ).values_list("exchangegrant_id", "user__staff_profile__units")
        for pk, unit_id in participants:
            units.setdefault(("exchange", pk), set()).add(unit_id)
    sources = {pk: [] for pk in child_ids}
    for child_id, basis, source_type, source_id in rows:
        sources[child_id].append((basis, source_type, units.get((source_type, source_id), ())))
    return {pk: screening_scope_from(found) for pk, found in sources.items()}


def screening_scope_for(user, child):
    return screening_scopes_for(user, [child.pk])[child.pk]


def child_require(user, child, need):
    """A service's own check that the user may do `need` with the child (a cases.capabilities
    property): no write relies on a view having asked."""
    if not child_capabilities(user, child.pk).may(need):
        raise PermissionDenied


def child_get_for(
    user,
    pk,
    *,
    kind=DataKind.BASIC,
    purpose="",
    topic=Topic.INTERNAL,
    bases=None,
    need=None,
    consent_id=None,
):
    """The child, if the user may see information of `kind` about it (on one of `bases`, or
    through the consent `consent_id`, if given) and — with `need` — may do that with it (a
    cases.capabilities property); otherwise 404, and the attempt is logged. The child carries
    `access_basis` and `can`, what this user may do with it. `topic` decides whether the
    child's guardians see the look in their log."""
    child = get_or_refuse(
        child_list_visible_to(user, kind=kind, bases=bases, consent_id=consent_id),
        pk,
        actor=user,
        purpose=purpose,
    )
    child.can = child_capabilities(user, child.pk)
    if need is not None and not child.can.may(need):
        refuse(actor=user, what="cases.child", pk=pk, purpose=purpose)
    child.access_basis = child.can.basis(
        kind, among=[Basis.CONSENT] if consent_id is not None else bases
    )
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=child.access_basis,
        obj=child,
        child_id=child.pk,
        purpose=purpose,
        topic=topic,
    )
    return child


def access_log_children(
    user,
    children,
    *,
    purpose="",
    detail="",
    kind=DataKind.BASIC,
    topic=Topic.INTERNAL,
    access=None,
):
    """Log a look at several children at once (a list page), each with its own basis (from
    `access`, a ChildAccess of the user, if the page has read one)."""
    children = list(children)
    if children:
        ids = [c.pk for c in children]
        if access is not None:
            bases = access.bases_for(ids, kind=kind)
        else:
            bases = child_bases_for(user, ids, kind=kind)
        access_log_record_many(
            actor=user,
            action=Action.SEARCH if detail else Action.READ,
            looks=[(child, child.pk, bases[child.pk]) for child in children],
            purpose=purpose,
            detail=detail,
            topic=topic,
        )


def children_of_guardian(user, *, access=None):
    """A guardian's own children (party access), logged with that basis. `access`: the user's
    ChildAccess, if the page has read one."""
    if access is not None:
        visible = Child.objects.filter(access.visible("id"), municipality_id=user.municipality_id)
    else:
        visible = child_list_visible_to(user)
    children = list(
        visible.filter(guardianship__guardian__user=user, guardianship__has_custody=True).order_by(
            "first_name"
        )
    )
    access_log_children(user, children, purpose=_("My overview"), access=access)
    return children


def child_of_young_person(user, *, access=None):
    """The young person's own record, through their own login (a basis of its own), logged with
    that basis; None before they are old enough (settings.YOUNG_PERSON_OWN_LOGIN_AGE)."""
    if access is not None:
        visible = Child.objects.filter(
            access.visible("id", bases=[Basis.YOUNG_PERSON]),
            municipality_id=user.municipality_id,
        )
    else:
        visible = child_list_visible_to(user, bases=[Basis.YOUNG_PERSON])
    own = visible.filter(user=user).first()
    if own is not None:
        access_log_children(user, [own], purpose=_("My overview"), access=access)
    return own


# Apps above cases decide who sees the timeline entries about their own things (a meeting: those
# who may open it); cases cannot import them (DESIGN.md §2). A rule is called as
# rule(user, child, for_guardian=…) and returns a Q of the entries to hide from the user, or None.
timeline_rules = ExtensionPoint("timeline rules")

# In the same way, an app above cases may hide consents that belong to its own things (a network
# meeting's consent names the meeting's purpose and participants): rule(user, child,
# for_guardian=…) returns a Q of the consents to hide from the user, or None.
consent_rules = ExtensionPoint("consent rules")


def _names_the_social_work_side():
    return Q(recipient_units__type__in=list(SOCIAL_WORK_UNIT_TYPES))


def consent_topic(consent):
    """What a look at a consent is about for the guardians' log: a consent naming the social-work
    side (a referral to it) tells of a case, so it is never shown there."""
    names = consent.recipient_units.filter(type__in=list(SOCIAL_WORK_UNIT_TYPES)).exists()
    return Topic.SOCIAL_WORK if names else Topic.CONSENT


def _consents_hidden(user, child, *, for_guardian, kinds):
    """A Q of the child's consents this user is not shown: those the apps' rules hide, and — to
    staff who may not see notifications — one naming the social-work side, unless they recorded
    it or are among its recipients (like the social-work side's involvement, it tells of a case;
    the guardians see theirs)."""
    hidden = consent_rules.call_each(user, child, for_guardian=for_guardian)
    if not for_guardian and DataKind.NOTIFICATIONS not in kinds:
        theirs = (
            Q(recorded_by=user) | Q(recipient_people=user) | Q(recipient_units__staff__user=user)
        )
        hidden.append(
            Q(
                pk__in=Consent.objects.filter(child=child)
                .filter(_names_the_social_work_side())
                .exclude(pk__in=Consent.objects.filter(theirs, child=child).values("pk"))
                .values("pk")
            )
        )
    hidden = [q for q in hidden if q is not None]
    if not hidden:
        return None
    combined = hidden[0]
    for q in hidden[1:]:
        combined |= q
    return combined


def consents_visible_to(user, child, kinds, *, for_guardian=False):
    """The child's consents as the child's page lists them (`kinds`: child.can.kinds); the rules
    above hide the rest, and the consents' own timeline entries with them."""
    consents = child.consents.select_related("guardian", "recorded_by").prefetch_related(
        "recipient_units", "recipient_people"
    )
    hidden = _consents_hidden(user, child, for_guardian=for_guardian, kinds=kinds)
    return consents if hidden is None else consents.exclude(hidden)


def timeline_visible_to(user, child, kinds, *, for_guardian=False, screening=None):
    """The child's timeline entries of the kinds this user may see (child.can.kinds). Guardians
    do not see the professionals' internal follow-up tasks; screening entries show only from the
    units whose screening the user reads (`screening`: screening_scope_for, if already asked);
    the apps' own rules hide the rest."""
    entries = TimelineEntry.objects.filter(child=child, data_kind__in=kinds)
    if for_guardian:
        # Nor an exchange without consent before its meeting is held: the child's page lists
        # those for them once it is over.
        entries = entries.exclude(kind__in=[TimelineKind.TASK, TimelineKind.EXCHANGE])
    if DataKind.SCREENING in kinds:
        screening = screening or screening_scope_for(user, child)
        entries = entries.filter(screening.shown_q())
    for rule in timeline_rules:
        hidden = rule(user, child, for_guardian=for_guardian)
        if hidden is not None:
            entries = entries.exclude(hidden)
    hidden_consents = _consents_hidden(user, child, for_guardian=for_guardian, kinds=kinds)
    if hidden_consents is not None:
        entries = entries.exclude(
            source_type=CONSENT_SOURCE,
            source_id__in=Consent.objects.filter(hidden_consents, child=child)
            .annotate(id_text=Cast("pk", CharField()))
            .values("id_text"),
        )
    return entries.select_related("actor")


# And the tasks an app above cases made about its own things (a meeting's action item): a rule
# is called as rule(user, child) and returns a Q of the child's tasks to hide from the user, or
# None. The tasks' own timeline entries follow the app's timeline rule.
task_rules = ExtensionPoint("task rules")


def tasks_of_child_visible_to(user, child, kinds, *, screening=None):
    """The child's open tasks on its page: of the kinds the user may see, a screening task only
    from a unit whose screening the user reads; the apps' own rules hide the rest."""
    tasks = child.tasks.filter(status=TaskStatus.OPEN, data_kind__in=kinds)
    if DataKind.SCREENING in kinds:
        screening = screening or screening_scope_for(user, child)
        tasks = tasks.filter(screening.shown_q())
    for rule in task_rules:
        hidden = rule(user, child)
        if hidden is not None:
            tasks = tasks.exclude(hidden)
    return tasks.select_related("owner")


def siblings_visible_to(user, child):
    """Brothers and sisters (same household or a shared guardian) — only those the user may see
    themselves, so a family link never widens access."""
    related = Q(guardianship__guardian__in=child.guardians.all())
    if child.household_id:
        related |= Q(household_id=child.household_id)
    return child_list_visible_to(user).filter(related).exclude(pk=child.pk).distinct()


def exchanges_visible_to(child, *, for_guardian=False):
    """Every exchange without consent about the child, marked as such on the child's page. The
    guardians see one once its meeting is over (and its follow-up meeting once that is over
    too), as in their log."""
    today = timezone.localdate()
    exchanges = child.exchange_grants.order_by("-meeting_date", "-pk")
    if for_guardian:
        exchanges = exchanges.filter(meeting_date__lt=today)
    exchanges = list(exchanges)
    for exchange in exchanges:
        follow_up = exchange.follow_up_date
        exchange.follow_up_shown = (
            follow_up if follow_up and (not for_guardian or follow_up < today) else None
        )
    return exchanges


def involvements_visible_to(user, child, kinds):
    """The involvement register. The social-work side's involvement — a caseworker, or a unit of
    the social-work side — reveals that there is a notification or case, so only those who may
    see notifications see it (and whoever registered it): parents are not told before a
    notification when violence or abuse is suspected (DOMAIN.md §5)."""
    involvements = child.involvements.select_related("person", "unit")
    if DataKind.NOTIFICATIONS not in kinds:
        social_work = (
            Q(statutory=True)
            | Q(person__staff_profile__roles__overlap=list(SOCIAL_WORK_ROLES))
            | Q(unit__type__in=list(SOCIAL_WORK_UNIT_TYPES))
        )
        involvements = involvements.exclude(social_work & ~Q(created_by=user))
    return involvements


def task_list_for(user, *, access=None):
    """My open tasks; a task about a child I can no longer see is not shown (nor its title).
    `access`: the user's ChildAccess, if the page has read one."""
    sees = access.visible("child_id") if access else Q(child__in=child_list_visible_to(user))
    return (
        Task.objects.filter(owner=user, status=TaskStatus.OPEN)
        .filter(Q(child__isnull=True) | sees)
        .select_related("child")
        .order_by("due_date", "pk")
    )


def unit_leaders(unit):
    """The active leaders of the unit, in name order: who acknowledges what is sent to it."""
    return (
        User.objects.filter(
            staff_profile__units=unit,
            staff_profile__roles__overlap=list(LEADER_ROLES),
            is_active=True,
        )
        .order_by("first_name", "last_name", "pk")
        .distinct()
    )
