from django.core.management import call_command
from stdnum.dk import cpr as stdnum_cpr

from cases.demo import MOD11_WEIGHTS
from cases.models import Child, Enrolment, Guardian
from trivsel.organisation.demo_logins import DEMO_USERNAMES
from trivsel.organisation.models import Municipality, Unit, UnitType, User


def seed():
    call_command("seed_demo", verbosity=0)


def test_it_builds_two_municipalities_with_every_unit_type_and_the_demo_logins(db):
    seed()
    demo = Municipality.objects.get(name="Demo Kommune")
    assert Municipality.objects.filter(name="Nabo Kommune").exists()
    assert set(Unit.objects.filter(municipality=demo).values_list("type", flat=True)) == set(
        UnitType.values
    )
    for username in DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("demo")
    assert User.objects.get(username="nabo").municipality.name == "Nabo Kommune"
    assert 280 <= Child.objects.filter(municipality=demo).count() <= 340


def test_it_gives_every_child_a_valid_but_obviously_fictitious_cpr(db):
    seed()
    for child in Child.objects.all():
        assert stdnum_cpr.get_birth_date(child.cpr) == child.birth_date
        checksum = sum(int(d) * w for d, w in zip(child.cpr, MOD11_WEIGHTS, strict=True))
        assert checksum % 11 != 0


def test_it_makes_the_demo_parent_a_guardian_of_a_child_in_the_paedagogs_group(db):
    seed()
    guardian = Guardian.objects.get(user__username="foraelder")
    paedagog_groups = User.objects.get(username="paedagog").staff_profile.groups.all()
    assert Enrolment.objects.filter(child__in=guardian.children.all(), group__in=paedagog_groups)


def test_it_keeps_what_users_changed_when_run_again(db):
    seed()
    counts = (Child.objects.count(), Guardian.objects.count(), Unit.objects.count())
    child = Child.objects.order_by("pk").first()
    child.first_name = "Omdøbt"
    child.save()
    paedagog = User.objects.get(username="paedagog")
    paedagog.first_name = "Ændret"
    paedagog.save()

    seed()

    assert (Child.objects.count(), Guardian.objects.count(), Unit.objects.count()) == counts
    assert Child.objects.get(pk=child.pk).first_name == "Omdøbt"
    assert User.objects.get(username="paedagog").first_name == "Ændret"
