"""Personas shared by the whole suite (DESIGN.md §6): who they are matters more than how they
are built, so tests ask for them by name."""

import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.access import grants_rebuild
from tests import factories as f
from trivsel.organisation.models import Role, UnitType

# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests
# are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _empty_cache_at_start():
    """Each run starts from an empty cache. The test database is new, so its ids name other
    rows than the ids in what an earlier run left in Redis (a shared intake page, say)."""
    cache.clear()


@pytest.fixture
def world(db):
    """Two municipalities; in "Solby": a kindergarten room with a child, a school class, the
    social-work side; in "Nabo": a pædagog who must never see anything of Solby."""
    solby = f.MunicipalityFactory(name="Solby Kommune", code="901")
    nabo_kommune = f.MunicipalityFactory(name="Nabo Testkommune", code="902")
    kindergarten = f.UnitFactory(municipality=solby, name="Børnehaven Mejsen")
    room = f.GroupFactory(unit=kindergarten, name="Mejsestuen")
    school = f.UnitFactory(municipality=solby, name="Åskolen", type=UnitType.SCHOOL)
    school_class = f.GroupFactory(unit=school, name="2.A", kind="klasse")
    authority = f.UnitFactory(
        municipality=solby, name="Familieafdelingen", type=UnitType.SOCIAL_AUTHORITY
    )
    nabo_unit = f.UnitFactory(municipality=nabo_kommune, name="Nabohaven")
    nabo_room = f.GroupFactory(unit=nabo_unit, name="Nabostuen")

    def staff(username, roles, units=(), groups=(), municipality=solby, **kwargs):
        user = f.UserFactory(username=username, municipality=municipality, **kwargs)
        return f.StaffFactory(user=user, roles=roles, units=list(units), groups=list(groups))

    paedagog = staff("mette", [Role.PAEDAGOG], [kindergarten], [room], first_name="Mette")
    teacher = staff("jonas", [Role.TEACHER], [school], [school_class], first_name="Jonas")
    leader = staff("lone", [Role.LEADER], [kindergarten], first_name="Lone")
    social_worker = staff("sara", [Role.SOCIAL_WORKER], [authority], first_name="Sara")
    administrator = staff("henrik", [Role.ADMINISTRATOR], is_staff=True, first_name="Henrik")
    outsider = staff(
        "ida",
        [Role.PAEDAGOG],
        [nabo_unit],
        [nabo_room],
        municipality=nabo_kommune,
        first_name="Ida",
    )

    child = f.ChildFactory(
        municipality=solby, first_name="Alma", last_name="Hansen", cpr="1705214123"
    )
    f.EnrolmentFactory(child=child, group=room)
    guardian_user = f.UserFactory(username="maria", municipality=solby, first_name="Maria")
    guardian = f.GuardianFactory(municipality=solby, user=guardian_user, first_name="Maria")
    f.GuardianshipFactory(child=child, guardian=guardian)
    grants_rebuild(child_ids=[child.pk])

    return SimpleNamespace(
        solby=solby,
        nabo_kommune=nabo_kommune,
        kindergarten=kindergarten,
        room=room,
        school=school,
        school_class=school_class,
        authority=authority,
        nabo_unit=nabo_unit,
        paedagog=paedagog.user,
        teacher=teacher.user,
        leader=leader.user,
        social_worker=social_worker.user,
        administrator=administrator.user,
        outsider=outsider.user,
        guardian=guardian_user,
        child=child,
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="trivsel.organisation.backends.StaffModelBackend")
        return client

    return _login


@pytest.fixture
def school(world):
    """A second child and a second rater in the kindergarten room, and an open round."""
    world.child2 = f.ChildFactory(municipality=world.solby, first_name="Bo", last_name="Berg")
    f.EnrolmentFactory(child=world.child2, group=world.room)
    world.colleague = f.StaffFactory(
        user=f.UserFactory(username="kim", municipality=world.solby, first_name="Kim"),
        units=[world.kindergarten],
        groups=[world.room],
    ).user
    grants_rebuild(child_ids=[world.child.pk, world.child2.pk])
    from screening import services
    from screening.defaults import install_default_templates
    from screening.models import FormTemplate

    install_default_templates(FormTemplate)  # flushed away by transactional (browser) tests
    template = FormTemplate.objects.get(municipality=None, sector="boernehave", version=1)
    world.round = services.round_open(
        actor=world.leader,
        group=world.room,
        template=template,
        deadline=timezone.localdate() + timedelta(days=14),
    )
    return world
