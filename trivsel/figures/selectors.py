"""Who may see which figures (issue #18): a unit's leader her own units, a team leader the
social-work side, municipal management (fagchef) every unit of the municipality. Nobody else,
and never another municipality. The figures themselves are counts; they never open a child."""

from dataclasses import replace

from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record, refuse
from trivsel.organisation.models import Role, Unit
from trivsel.organisation.selectors import own_unit_ids, own_units

from .counting import hidden_for, last_refresh
from .periods import period_by_key
from .tables import FigureScope, figure_sections

ALL_PLACES = ""


def _places_of(user):
    """(the units the person's figures cover, whether she sees the social-work side), or None
    when she sees no figures."""
    profile = user.staff_profile_or_none if user.is_authenticated else None
    if profile is None or user.municipality_id is None or not profile.sees_figures:
        return None
    if profile.has_role(Role.MANAGEMENT):
        return Unit.objects.filter(municipality_id=user.municipality_id), True
    return own_units(user), profile.has_role(Role.TEAM_LEADER)


def place_choices_for(user):
    """The filter's choices: everything in scope, each district, each unit (value, label)."""
    places = _places_of(user)
    if places is None:
        return []
    units, _social_work = places
    units = list(units.order_by("name", "pk").values_list("pk", "name", "district"))
    choices = [(ALL_PLACES, _("All my units") if len(units) != 1 else units[0][1])]
    if len(units) > 1:
        districts = sorted({district for _pk, _name, district in units if district})
        choices += [
            (f"d:{district}", _("District %(name)s") % {"name": district}) for district in districts
        ]
        choices += [(f"u:{pk}", name) for pk, name, _district in units]
    return choices


def figure_scope_for(user, *, place=ALL_PLACES):
    """The scope of the person's figures, narrowed to `place` (a value of place_choices_for), or
    a logged 404. A place outside her scope is refused the same way."""
    places = _places_of(user)
    if places is None:
        refuse(actor=user, what="figures", pk="", purpose=_("Figures"))
    units, social_work = places
    label = _("All my units")
    if place.startswith("u:"):
        units = units.filter(pk=place[2:] if place[2:].isdigit() else None)
    elif place.startswith("d:"):
        units = units.filter(district=place[2:])
    elif place != ALL_PLACES:
        units = units.none()
    unit_rows = list(units.values_list("pk", "name"))
    if place != ALL_PLACES:
        if not unit_rows:
            refuse(actor=user, what="figures", pk=place[:20], purpose=_("Figures"))
        label = place_label(user, place)
    elif len(unit_rows) == 1:
        label = unit_rows[0][1]
    led = user.staff_profile.has_role(Role.LEADER)
    if len(unit_rows) == 1:
        scope_place = f"u:{unit_rows[0][0]}"
    elif user.staff_profile.has_role(Role.MANAGEMENT):  # every unit: the places are whole
        scope_place = place or "a"
    else:
        scope_place = ""
    return FigureScope(
        municipality_id=user.municipality_id,
        unit_ids=frozenset(pk for pk, _name in unit_rows),
        social_work=social_work,
        whole_municipality=place == ALL_PLACES and social_work,
        label=label,
        led_unit_ids=frozenset(own_unit_ids(user)) if led else frozenset(),
        place=scope_place,
    )


def place_label(user, place):
    return dict(place_choices_for(user)).get(place, "")


def figures_for(user, *, place=ALL_PLACES, period_key="", purpose, action=Action.READ):
    """(scope, period, sections) for the person, every section's tables ready to be suppressed;
    the look (or export) is written to the access log with its filters."""
    scope = figure_scope_for(user, place=place)
    refreshed_at, counted_for = last_refresh(scope.municipality_id)
    # The periods of the day counted for: those whose figures were hidden together.
    period = period_by_key(period_key, today=counted_for)
    scope = replace(scope, hidden=hidden_for(scope, period), refreshed_at=refreshed_at)
    sections = [
        section
        for section in figure_sections.call_each(scope=scope, period=period)
        if section is not None
    ]
    sections.sort(key=lambda section: (section.order, section.key))
    access_log_record(
        actor=user,
        action=action,
        basis=Basis.ADMINISTRATION,
        purpose=purpose,
        detail=f"{scope.label} · {period.label}",
    )
    return scope, period, sections
