from datetime import datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import Random, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from trivsel.locking import row_lock
from trivsel.organisation.models import Municipality, Unit
from trivsel.organisation.selectors import leads_unit

from .cpr import mask_cpr
from .models import AccessLogEntry, Action, Basis, LookupSample, SampledLookup, Topic
from .rules import guardian_visible_from, is_on_the_social_work_side


def access_log_record(
    *,
    actor,
    action,
    basis,
    obj=None,
    child_id=None,
    purpose="",
    detail="",
    topic=Topic.INTERNAL,
    guardian_not_before=None,
    municipality=None,
):
    """Write one access-log entry. Every selector and view that touches personal data calls this.

    `detail` may carry a search term or similar free text; CPR numbers in it are masked here so
    no caller can forget it. `topic` says what the look was about: the guardians' log shows it only
    if trivsel.audit.rules allows it (an internal look, the default, never). `municipality`: the
    entry's municipality where there is no actor to take it from (a nightly import)."""
    now = timezone.now()
    return AccessLogEntry.objects.create(
        municipality_id=municipality.pk
        if municipality
        else getattr(actor, "municipality_id", None),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        basis=basis,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        child_id=child_id,
        purpose=mask_cpr(purpose)[:200],
        detail=mask_cpr(detail),
        topic=topic,
        guardian_visible_from=guardian_visible_from(
            topic=topic,
            basis=basis,
            at=now,
            not_before=guardian_not_before,
            by_social_work=is_on_the_social_work_side(actor),
        )
        if child_id
        else None,
    )


def access_log_record_many(
    *,
    actor,
    action,
    looks,
    purpose="",
    detail="",
    model=None,
    topic=Topic.INTERNAL,
    guardian_not_before=None,
):
    """One entry per (object, child id, basis) in `looks`, written in one statement (list pages).

    With `model` given, a look is (primary key, child id, basis) instead: a page served from
    the cache logs its rows without loading them as objects. `guardian_not_before` means what it
    does for access_log_record, for every entry.

    One INSERT and nothing around it: on a page (autocommit) the statement is its own
    transaction, all rows or none, where bulk_create would add a BEGIN and a COMMIT — two round
    trips more on every list page, Mit overblik among them. Called inside a service's atomic
    block, it is part of that transaction: the change and its log entries commit or roll back
    together."""
    purpose, detail = mask_cpr(purpose)[:200], mask_cpr(detail)
    if model is None:
        rows = [(obj._meta.label_lower, obj.pk, child_id, basis) for obj, child_id, basis in looks]
    else:
        label = model._meta.label_lower
        rows = [(label, pk, child_id, basis) for pk, child_id, basis in looks]
    if not rows:
        return
    now = timezone.now()
    by_social_work = is_on_the_social_work_side(actor)
    columns = {"object_type": [], "object_id": [], "child_id": [], "basis": [], "visible": []}
    for object_type, pk, child_id, basis in rows:
        columns["object_type"].append(object_type)
        columns["object_id"].append(str(pk))
        columns["child_id"].append(child_id)
        columns["basis"].append(basis)
        columns["visible"].append(
            guardian_visible_from(
                topic=topic,
                basis=basis,
                at=now,
                not_before=guardian_not_before,
                by_social_work=by_social_work,
            )
            if child_id
            else None
        )
    # Prepared on the server (trivsel.database.base): the text is the same for any number of
    # rows, the rows' values being arrays.
    with connection.prepared_cursor() as cursor:
        cursor.execute(
            _listed_insert_sql(),
            [
                now,
                actor.municipality_id,
                actor.pk,
                action,
                purpose,
                detail,
                topic,
                columns["basis"],
                columns["object_type"],
                columns["object_id"],
                columns["child_id"],
                columns["visible"],
            ],
        )


@cache
def _listed_insert_sql():
    """access_log_record_many's INSERT: the same value of `at`, the actor, action, purpose,
    detail and topic for every row, `listed` true, the rest one array each, unnested in step."""
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)

    def column(name):
        return connection.ops.quote_name(AccessLogEntry._meta.get_field(name).column)

    constants = ["at", "municipality", "actor", "action", "purpose", "detail", "topic"]
    arrays = ["basis", "object_type", "object_id", "child_id", "guardian_visible_from"]
    names = ", ".join(column(name) for name in [*constants, "listed", *arrays])
    return (
        f"INSERT INTO {table} ({names}) "  # noqa: S608 (names from the model, values as parameters)
        "SELECT %s::timestamptz, %s::bigint, %s::bigint, %s::text, %s::text, %s::text, %s::text,"
        " true, looks.* FROM unnest("
        "%s::text[], %s::text[], %s::text[], %s::bigint[], %s::timestamptz[]) AS looks"
    )


def access_log_refused(*, actor, what, pk, purpose=""):
    """A request for something that does not exist or that the user may not see — answered with
    the same 404 either way — is itself logged (DESIGN.md §3: no probing of ids unseen). `what`
    names the kind of object, e.g. "cases.child"."""
    if getattr(actor, "is_authenticated", False):
        access_log_record(
            actor=actor,
            action=Action.READ,
            basis=Basis.DENIED,
            purpose=purpose,
            detail=f"{what} #{str(pk)[:20]}",
        )


def refuse(*, actor, what, pk, purpose=""):
    """Log the refused look and answer 404: the one way a selector says no (DESIGN.md §3)."""
    access_log_refused(actor=actor, what=what, pk=pk, purpose=purpose)
    raise Http404


def get_or_refuse(queryset, pk, *, actor, purpose=""):
    """`queryset.get(pk=pk)` — the queryset being what the actor may see — or, for an id that is
    missing, not visible or not an id at all, a logged refusal (404). The log names the kind of
    object by its model ("cases.child")."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        pass
    refuse(actor=actor, what=queryset.model._meta.label_lower, pk=pk, purpose=purpose)


def privilege_change_record(*, actor, user, before, after):
    """Write what an administrator changed of a person's roles, units, groups, active state or
    platform privileges — who, whose, old → new — when anything changed. `before` and `after`
    are trivsel.organisation.selectors.staff_privileges_of of the person. The entry belongs to
    the person's municipality, so its other administrators see it in the access log and on the
    person's admin page, whoever made the change (a platform superuser too)."""
    changes = [
        f"{label}: {before.get(label, '–')} → {value}"
        for label, value in after.items()
        if before.get(label, "–") != value
    ]
    if not changes:
        return None
    whose = user.get_full_name() or user.username
    return AccessLogEntry.objects.create(
        municipality_id=user.municipality_id,
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.ADMINISTRATION,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        purpose=gettext("Change of roles and access"),
        detail=mask_cpr(f"{whose} ({user.username}): " + "; ".join(changes)),
        topic=Topic.INTERNAL,
    )


# --- The log review ---------------------------------------------------------------------------

# The look-ups a leader is asked about: a child's record opened or exported by staff, on a basis
# the staff member had. Not what a list showed (listed), not a refused look (no child, and the
# alerts watch those), not a guardian's or the young person's own look.
REVIEWED_ACTIONS = (Action.READ, Action.EXPORT)
REVIEWED_BASES = tuple(
    b for b in Basis if b not in (Basis.DENIED, Basis.GUARDIAN, Basis.OWN_RECORD)
)


def review_week_of(now):
    """The Monday of the week before `now`'s (Copenhagen), and that week's bounds: the week
    whose look-ups a draw at `now` samples."""
    today = timezone.localdate(now)
    this_monday = today - timedelta(days=today.weekday())
    week = this_monday - timedelta(days=7)
    start = timezone.make_aware(datetime.combine(week, time.min))
    end = timezone.make_aware(datetime.combine(this_monday, time.min))
    return week, start, end


def lookup_samples_draw(*, now=None, size=None):
    """Draw each unit's sample of last week's look-ups, once per unit and week, for every
    municipality; the number of look-ups drawn. Run by beat every hour: the first run of a week
    draws, later runs (and a second worker) find the week claimed and draw nothing."""
    now = now or timezone.now()
    size = settings.AUDIT_REVIEW_SAMPLE_SIZE if size is None else size
    drawn = 0
    for municipality_id in Municipality.objects.order_by("pk").values_list("pk", flat=True):
        drawn += _samples_draw_for(municipality_id, now=now, size=size)
    return drawn


@transaction.atomic
def _samples_draw_for(municipality_id, *, now, size):
    week, start, end = review_week_of(now)
    # The claim: one sample row per unit and week, inserted in one statement; a unit already
    # claimed (an earlier run, another worker) is not returned and so not drawn again. A unit
    # whose staff looked nothing up keeps its empty sample: the week was reviewed.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {LookupSample._meta.db_table} (municipality_id, unit_id, week, drawn_at)
            SELECT municipality_id, id, %s, %s FROM {Unit._meta.db_table}
            WHERE municipality_id = %s
            ON CONFLICT (unit_id, week) DO NOTHING
            RETURNING unit_id, id
            """,  # noqa: S608 (table names from the models, values as parameters)
            [week, now, municipality_id],
        )
        claimed = dict(cursor.fetchall())
    if not claimed or size <= 0:
        return 0
    # A random `size` of each claimed unit's staff's look-ups, in one query: a look-up by
    # someone in two units may be drawn for both, and each leader is asked on her own.
    picked = (
        AccessLogEntry.objects.filter(
            municipality_id=municipality_id,
            at__gte=start,
            at__lt=end,
            child_id__isnull=False,
            listed=False,
            action__in=REVIEWED_ACTIONS,
            basis__in=REVIEWED_BASES,
        )
        .annotate(unit_id=F("actor__staff_profile__units"))
        .filter(unit_id__in=list(claimed))
        .annotate(rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=Random().asc()))
        .filter(rank__lte=size)
        .values_list("pk", "unit_id")
    )
    lookups = [SampledLookup(sample_id=claimed[unit_id], entry_id=pk) for pk, unit_id in picked]
    SampledLookup.objects.bulk_create(lookups)
    return len(lookups)


@transaction.atomic
def sampled_lookup_answer(*, actor, lookup, part_of_work, comment=""):
    """A leader's answer to "Var dette opslag en del af arbejdet?", once, with who and when.
    Only a leader of the sample's unit answers, and never about her own look-up; a second answer
    (a colleague's at the same moment) is refused with who answered first."""
    row_lock(lookup)
    if not leads_unit(actor, lookup.sample.unit_id) or actor.municipality_id != (
        lookup.sample.municipality_id
    ):
        raise PermissionDenied
    if lookup.entry.actor_id == actor.pk:
        raise ValidationError(gettext("You cannot answer about your own look-up."))
    if lookup.answered_at is not None:
        who = lookup.answered_by.get_full_name() or lookup.answered_by.username
        raise ValidationError(
            gettext("%(name)s has already answered about this look-up.") % {"name": who}
        )
    lookup.part_of_work = part_of_work
    lookup.comment = comment.strip()
    lookup.answered_by = actor
    lookup.answered_at = timezone.now()
    lookup.save(update_fields=["part_of_work", "comment", "answered_by", "answered_at"])
    access_log_record(
        actor=actor,
        action=Action.CHANGE,
        basis=Basis.ADMINISTRATION,
        obj=lookup,
        purpose=gettext("Log review: answer"),
        detail=gettext("Part of the work: %(answer)s")
        % {"answer": gettext("yes") if part_of_work else gettext("no")},
    )
    return lookup
