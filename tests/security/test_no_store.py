"""No browser or proxy keeps a copy of a page with personal data (issue #14 point 5): a child's
page, a meeting's minutes PDF, the "Vis CPR" answer and the citizen's notification form are all
answered with `Cache-Control: no-store`, so the back button on a shared computer after signing
out shows nothing. Static files keep their caching."""

import pytest
from django.test import Client, override_settings

# The fixtures of the meetings' and the referrals' tests: a child with approved minutes, and
# the intake unit that owns the public form.
from tests.meetings.conftest import consented, network  # noqa: F401
from tests.meetings.test_pdf import minutes  # noqa: F401
from tests.referrals.conftest import intake  # noqa: F401

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_a_childs_page_is_never_stored(world, login):
    response = login(world.paedagog).get(f"/boern/{world.child.pk}/")
    assert response.status_code == 200
    assert_no_store(response)


def test_the_show_cpr_answer_is_never_stored(world, login):
    client = login(world.paedagog)
    for headers in ({"HTTP_HX_REQUEST": "true"}, {}):
        response = client.post(f"/boern/{world.child.pk}/cpr/", **headers)
        assert "170521-4123" in response.content.decode()
        assert_no_store(response)


def test_a_minutes_pdf_is_never_stored(minutes, login):  # noqa: F811
    response = login(minutes.meeting.tovholder).get(f"/moeder/referat/{minutes.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert_no_store(response)


def test_the_citizens_notification_form_is_never_stored(intake, client):  # noqa: F811
    assert_no_store(client.get("/underret/901/"))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching(world):
    # A fresh client builds its middleware under these settings: WhiteNoise serves the file.
    client = Client()
    client.force_login(world.paedagog, backend="trivsel.organisation.backends.StaffModelBackend")
    response = client.get("/static/css/trivsel.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
