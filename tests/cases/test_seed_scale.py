from django.core.management import call_command

from cases.models import Child, Enrolment
from cases.selectors import child_list_visible_to
from trivsel.organisation.models import Role, StaffProfile


def test_it_builds_a_municipality_whose_staff_see_their_children(db):
    call_command("seed_scale", children=600, staff=80, verbosity=0)
    children = Child.objects.filter(municipality__code="997")
    assert children.count() == 600
    assert Enrolment.objects.filter(child__in=children).count() == 600
    teacher = (
        StaffProfile.objects.filter(roles__contains=[Role.TEACHER], groups__isnull=False)
        .select_related("user")
        .first()
        .user
    )
    visible = child_list_visible_to(teacher)
    assert visible.exists()
    # Tenancy: nothing of another municipality, and a second run adds nothing.
    assert not visible.exclude(municipality__code="997").exists()
    call_command("seed_scale", children=600, staff=80, verbosity=0)
    assert children.count() == 600
