"""All factories of the suite in one module (DESIGN.md §6)."""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from cases.models import Child, Enrolment, Guardian, Guardianship
from trivsel.organisation.models import (
    Group,
    GroupKind,
    Municipality,
    Role,
    StaffProfile,
    Unit,
    UnitType,
    User,
)

PASSWORD = "correct horse battery staple"


def ended(record, day):
    """End an enrolment or an involvement on `day` (the app has no service for it: an enrolment
    ends in the admin's child page, an involvement gets its end when it is registered). As the
    admin does, the row is saved and the child's grants are rebuilt at once."""
    from cases.access import grants_rebuild

    record.end = day
    record.save(update_fields=["end"])
    grants_rebuild(child_ids=[record.child_id])
    return record


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    # Three digits (the field's length) whatever the suite's size, and never the 9xx codes the
    # tests name themselves (Solby is 901, Nabo 902).
    code = factory.Sequence(lambda n: f"{100 + n % 800}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Enhed {n}")
    type = UnitType.KINDERGARTEN


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Stue {n}")
    kind = GroupKind.ROOM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    roles = factory.LazyFunction(lambda: [Role.PAEDAGOG])
    title = "Pædagog"

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Sequence(lambda n: f"Barn{n}")
    last_name = "Jensen"
    birth_date = date(2020, 1, 1)
    # A different birth date from the personas' fixed child, so the sequence never collides.
    cpr = factory.Sequence(lambda n: f"010120{(4000 + n) % 10000:04d}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    group = factory.SubFactory(GroupFactory)
    unit = factory.SelfAttribute("group.unit")
    start = date(2024, 8, 1)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = "Forælder"
    last_name = "Jensen"


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    child = factory.SubFactory(ChildFactory)
    guardian = factory.SubFactory(GuardianFactory)


def noon(days):
    """Noon `days` days from today, Copenhagen time: a time travel that never crosses midnight by
    accident, whatever the hour the tests run at."""
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(12))
    )


def received(hours_ago):
    """The received day and time fields of the intake's form, `hours_ago` hours ago (Copenhagen
    time): a time of receipt that is never in the future, whatever the hour the tests run at."""
    at = timezone.localtime() - timedelta(hours=hours_ago)
    return {"received_day": at.strftime("%d.%m.%Y"), "received_time": at.strftime("%H:%M")}
