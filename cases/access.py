"""The access engine: turns the sources of DOMAIN.md §5 into grant rows (django-guardian object
permissions with direct foreign keys on Child, one permission per kind of information).

grants_rebuild() replaces every grant of the given children from their sources. Services call it
inside their own transaction whenever a source changes, so a withdrawn consent or an ended
enrolment stops access at the moment it is committed. Periods (consent validity, enrolment end,
the meeting exchange's last day) are stored on the rows and honoured by the selectors' queries,
so nothing waits for a job; cases.tasks only deletes rows that have expired."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone

from trivsel.audit.models import Basis
from trivsel.organisation.access_groups import (
    access_groups_by_name,
    group_access_group_name,
    unit_access_group_name,
)
from trivsel.organisation.models import SOCIAL_WORK_ROLES, StaffProfile

from .capabilities import takes_part_in_exchange
from .models import (
    AGE_OF_MAJORITY,
    CONSENT_KINDS,
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Consent,
    ConsentStatus,
    DataKind,
    Enrolment,
    ExchangeGrant,
    Guardianship,
    Handover,
    Involvement,
)
from .models.children import birthday

ALL_KINDS = tuple(DataKind)
# Staff of the unit and group where the child is enrolled: basic data and the unit's own
# screening.
ENROLMENT_KINDS = (DataKind.BASIC, DataKind.SCREENING)
# The one-meeting exchange covers what is discussed at the meeting.
EXCHANGE_KINDS = (DataKind.BASIC, DataKind.SCREENING)
# Party access for a guardian with custody. Never notifications: when violence or abuse is
# suspected the parents are not told before the notification (DOMAIN.md §5).
GUARDIAN_KINDS = (DataKind.BASIC, DataKind.SCREENING, DataKind.MINUTES, DataKind.HANDOVER)
# The young person's own access: what their guardians see of them, no more — never
# notifications, for the same reason (a notification may concern the family they live in).
YOUNG_PERSON_KINDS = GUARDIAN_KINDS


def day_start(day):
    """Midnight at the start of `day`, Copenhagen time."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def day_after(day):
    """Midnight after `day`: a period that ends on `day` includes all of it."""
    return None if day is None else day_start(day + timedelta(days=1))


def live_grants(now=None):
    """Grants valid at `now`: the query itself honours every period."""
    now = now or timezone.now()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=now)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


_permission_id_cache = {}


def permission_ids():
    """{kind: auth permission id}. Looked up once per process: filtering grants by the id, not
    by joins on codename and content type, lets PostgreSQL plan the visible-children query well
    (DESIGN.md §8: under 20 ms at the scale of a large municipality)."""
    if not _permission_id_cache:
        rows = Permission.objects.filter(
            content_type__app_label="cases", codename__in=[k.codename for k in DataKind]
        ).values_list("codename", "pk")
        by_codename = dict(rows)
        _permission_id_cache.update({kind: by_codename[kind.codename] for kind in DataKind})
    return _permission_id_cache


@receiver(post_migrate)
def _forget_permission_ids(**kwargs):
    # A migrate or a test database flush may recreate the permission rows with new ids.
    _permission_id_cache.clear()


class _Rows:
    def __init__(self):
        self.permission_ids = permission_ids()
        self.user_rows = {}
        self.group_rows = {}

    def add(self, *, table, holder_id, child_id, kinds, basis, source, source_id, start, end):
        rows = self.user_rows if table == "user" else self.group_rows
        for kind in kinds:
            key = (holder_id, self.permission_ids[kind], child_id, source, source_id)
            rows[key] = (basis, start, end)


@transaction.atomic
def grants_rebuild(*, child_ids):
    """Replace all grants of these children by what their sources give today and later."""
    child_ids = sorted(set(child_ids))
    if not child_ids:
        return
    # Lock the children (in a fixed order) so two rebuilds of one child cannot interleave, and
    # readers see the old grants or the new ones, never none.
    list(Child.objects.select_for_update().filter(pk__in=child_ids).order_by("pk").values("pk"))
    today = timezone.localdate()
    rows = _Rows()
    _from_enrolments(rows, child_ids, today)
    _from_consents(rows, child_ids, today)
    _from_exchanges(rows, child_ids, today)
    _from_statutory_involvements(rows, child_ids, today)
    _from_guardianships(rows, child_ids)
    _from_own_logins(rows, child_ids)
    _from_handovers(rows, child_ids, today)

    for model, holder_field, rows_by_key in (
        (ChildUserObjectPermission, "user_id", rows.user_rows),
        (ChildGroupObjectPermission, "group_id", rows.group_rows),
    ):
        model.objects.filter(content_object_id__in=child_ids).delete()
        model.objects.bulk_create(
            model(
                **{holder_field: holder},
                permission_id=permission_id,
                content_object_id=child_id,
                source_type=source,
                source_id=source_id,
                basis=basis,
                valid_from=start,
                valid_until=end,
            )
            for (holder, permission_id, child_id, source, source_id), (
                basis,
                start,
                end,
            ) in rows_by_key.items()
        )


def _from_enrolments(rows, child_ids, today):
    enrolments = list(
        Enrolment.objects.filter(child_id__in=child_ids)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values("pk", "child_id", "unit_id", "group_id", "start", "end")
    )
    names = set()
    for e in enrolments:
        names.add(unit_access_group_name(e["unit_id"]))
        if e["group_id"]:
            names.add(group_access_group_name(e["group_id"]))
    groups = access_groups_by_name(names)
    for e in enrolments:
        holders = [groups[unit_access_group_name(e["unit_id"])]]
        if e["group_id"]:
            holders.append(groups[group_access_group_name(e["group_id"])])
        for holder in holders:
            rows.add(
                table="group",
                holder_id=holder.pk,
                child_id=e["child_id"],
                kinds=ENROLMENT_KINDS,
                basis=Basis.ENROLMENT,
                source="enrolment",
                source_id=e["pk"],
                start=day_start(e["start"]),
                end=day_after(e["end"]),
            )


def consent_grant_kinds(consent):
    """What a consent gives: the kinds it names, never notifications (old rows may name them)."""
    return [kind for kind in consent.kinds if kind in CONSENT_KINDS]


def consent_grant_end(consent):
    """The end of a consent's grant: its last day, and never later than the maximum period from
    its first day (settings.CONSENT_MAX_MONTHS), whatever an old row says."""
    return day_after(consent.ends_on)


def _from_consents(rows, child_ids, today):
    consents = list(
        Consent.objects.filter(
            child_id__in=child_ids, status=ConsentStatus.GIVEN, valid_until__gte=today
        )
        # A handover's consent gives access through the handover, once it is sent.
        .filter(handover__isnull=True)
        .select_related("child")
        .prefetch_related("recipient_units", "recipient_people")
    )
    unit_names = {unit_access_group_name(u.pk) for c in consents for u in c.recipient_units.all()}
    groups = access_groups_by_name(unit_names)
    for consent in consents:
        kinds = consent_grant_kinds(consent)
        units = list(consent.recipient_units.all())
        people = list(consent.recipient_people.all())
        if not kinds:
            continue
        if (
            not units
            and not consent.recipient_roles
            and [p.pk for p in people] == [consent.recorded_by_id]
        ):
            # Nobody gives themselves access on their own word: a consent naming only the one
            # who recorded it (refused since; old rows may exist) gives nothing.
            continue
        common = {
            "child_id": consent.child_id,
            "kinds": kinds,
            "basis": Basis.CONSENT,
            "source": "consent",
            "source_id": consent.pk,
            "start": day_start(consent.valid_from),
            "end": consent_grant_end(consent),
        }
        if consent.recipient_roles:
            # Roles only narrow the named units. A role without a unit would mean everyone with
            # that role in the municipality: no named recipient, so (on old rows) nothing.
            if units:
                staff = StaffProfile.objects.filter(
                    roles__overlap=consent.recipient_roles,
                    units__in=units,
                    user__municipality_id=consent.child.municipality_id,
                    user__is_active=True,
                )
                for user_id in staff.values_list("user_id", flat=True).distinct():
                    rows.add(table="user", holder_id=user_id, **common)
        else:
            for unit in units:
                rows.add(
                    table="group", holder_id=groups[unit_access_group_name(unit.pk)].pk, **common
                )
        for person in people:
            rows.add(table="user", holder_id=person.pk, **common)


def _from_exchanges(rows, child_ids, today):
    """Each participant from the fields the law names sees the child on each meeting's day and
    during the short minutes follow-up after it; nothing in between, nothing more."""
    since = today - timedelta(days=settings.EXCHANGE_FOLLOW_UP_DAYS)
    exchanges = (
        ExchangeGrant.objects.filter(child_id__in=child_ids)
        .filter(Q(meeting_date__gte=since) | Q(follow_up_date__gte=since))
        .prefetch_related("participants__staff_profile")
    )
    for exchange in exchanges:
        for person in exchange.participants.all():
            profile = person.staff_profile_or_none
            if not person.is_active or profile is None or not takes_part_in_exchange(profile.roles):
                continue
            for number, (first, last) in enumerate(exchange.access_periods()):
                rows.add(
                    table="user",
                    holder_id=person.pk,
                    child_id=exchange.child_id,
                    kinds=EXCHANGE_KINDS,
                    basis=Basis.MEETING_EXCHANGE,
                    # One row per meeting: the follow-up meeting's period is its own.
                    source="exchange" if number == 0 else "exchange_follow_up",
                    source_id=exchange.pk,
                    start=day_start(first),
                    end=day_after(last),
                )


def _from_statutory_involvements(rows, child_ids, today):
    involvements = (
        # Registered as the social-work side's own, and only while the person still has the role.
        Involvement.objects.filter(
            child_id__in=child_ids,
            statutory=True,
            person__staff_profile__roles__overlap=list(SOCIAL_WORK_ROLES),
        )
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values("pk", "child_id", "person_id", "start", "end")
    )
    for inv in involvements:
        rows.add(
            table="user",
            holder_id=inv["person_id"],
            child_id=inv["child_id"],
            kinds=ALL_KINDS,
            basis=Basis.STATUTORY,
            source="involvement",
            source_id=inv["pk"],
            start=day_start(inv["start"]),
            end=day_after(inv["end"]),
        )


def _from_guardianships(rows, child_ids):
    """Party access while custody lasts: it ends at midnight on the child's 18th birthday, on
    the row itself, so no look after that waits for the daily job (cases.tasks) that records the
    end of custody."""
    guardianships = Guardianship.objects.filter(
        child_id__in=child_ids, has_custody=True, guardian__user__isnull=False
    ).values("pk", "child_id", "guardian__user_id", "child__birth_date")
    for g in guardianships:
        rows.add(
            table="user",
            holder_id=g["guardian__user_id"],
            child_id=g["child_id"],
            kinds=GUARDIAN_KINDS,
            basis=Basis.GUARDIAN,
            source="guardianship",
            source_id=g["pk"],
            start=None,
            end=day_start(birthday(g["child__birth_date"], AGE_OF_MAJORITY)),
        )


def _from_own_logins(rows, child_ids):
    """The young person's own access, a basis of its own: from the birthday on which they reach
    settings.YOUNG_PERSON_OWN_LOGIN_AGE (a login given earlier waits for it), with no end — it
    goes on past 18, when the guardians' ends."""
    children = Child.objects.filter(
        pk__in=child_ids, user__isnull=False, user__is_active=True
    ).values("pk", "user_id", "birth_date")
    for child in children:
        rows.add(
            table="user",
            holder_id=child["user_id"],
            child_id=child["pk"],
            kinds=YOUNG_PERSON_KINDS,
            basis=Basis.YOUNG_PERSON,
            source="own_login",
            source_id=child["pk"],
            start=day_start(birthday(child["birth_date"], settings.YOUNG_PERSON_OWN_LOGIN_AGE)),
            end=None,
        )


def _from_handovers(rows, child_ids, today):
    """The receiver sees what the parents consented to, from the moment the handover is sent
    until the consent ends; the sender keeps the handover (and the child's basic data) for its
    follow-up period. A refused or withdrawn consent gives nothing."""
    handovers = (
        Handover.objects.filter(
            child_id__in=child_ids,
            sent_at__isnull=False,
            cancelled_at__isnull=True,
            consent__status=ConsentStatus.GIVEN,
            consent__valid_until__gte=today,
        )
        .select_related("consent")
        .only(
            "pk",
            "child_id",
            "sending_unit_id",
            "receiving_unit_id",
            "sent_at",
            "follow_up_days",
            "consent__kinds",
            "consent__valid_from",
            "consent__valid_until",
        )
    )
    handovers = list(handovers)
    names = set()
    for h in handovers:
        names |= {
            unit_access_group_name(h.sending_unit_id),
            unit_access_group_name(h.receiving_unit_id),
        }
    groups = access_groups_by_name(names)
    for h in handovers:
        consent_end = consent_grant_end(h.consent)
        common = {
            "table": "group",
            "child_id": h.child_id,
            "basis": Basis.CONSENT,
            "source": "handover",
            "source_id": h.pk,
            "start": h.sent_at,
        }
        rows.add(
            holder_id=groups[unit_access_group_name(h.receiving_unit_id)].pk,
            kinds=consent_grant_kinds(h.consent),
            end=consent_end,
            **common,
        )
        rows.add(
            holder_id=groups[unit_access_group_name(h.sending_unit_id)].pk,
            kinds=(DataKind.BASIC, DataKind.HANDOVER),
            end=min(consent_end, h.sent_at + timedelta(days=h.follow_up_days)),
            **common,
        )


def grants_delete_expired(*, now=None):
    """Housekeeping only: the selectors already ignore expired rows."""
    now = now or timezone.now()
    deleted_users, _ = ChildUserObjectPermission.objects.filter(valid_until__lte=now).delete()
    deleted_groups, _ = ChildGroupObjectPermission.objects.filter(valid_until__lte=now).delete()
    return deleted_users + deleted_groups


def grants_rebuild_role_consents(*, batch=2000):
    """Consents naming roles in units cover the people who hold the role there now: rebuild
    their children."""
    child_ids = list(
        Consent.objects.filter(status=ConsentStatus.GIVEN, valid_until__gte=timezone.localdate())
        .exclude(recipient_roles=[])
        .filter(recipient_units__isnull=False)
        .values_list("child_id", flat=True)
        .distinct()
    )
    for start in range(0, len(child_ids), batch):
        grants_rebuild(child_ids=child_ids[start : start + batch])
    return len(child_ids)
