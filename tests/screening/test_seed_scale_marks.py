from django.core.management import call_command

from screening.models import JointAssessment, Rating, Round


def test_it_builds_a_screening_history_for_the_large_municipality(db):
    call_command("seed_scale", children=600, staff=80, verbosity=0)
    call_command("seed_scale_marks", marks=3000, verbosity=0)
    assert 2000 <= Rating.objects.count() <= 4000
    assert JointAssessment.objects.exists()
    assert Round.objects.filter(status="rating").exists()
    before = Rating.objects.count()
    call_command("seed_scale_marks", marks=3000, verbosity=0)
    assert Rating.objects.count() == before
