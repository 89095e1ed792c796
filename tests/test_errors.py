import pytest
from django.test import override_settings
from django.urls import path

from trivsel.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom), *project_urlpatterns]
handler404 = "trivsel.views.page_not_found"
handler500 = "trivsel.views.server_error"


def test_it_answers_an_unknown_url_with_a_danish_404(world, client):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.content.decode()


@pytest.mark.urls("tests.test_errors")
@override_settings(DEBUG=False)
def test_it_answers_a_server_error_with_a_danish_500_without_details(world, client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Der opstod en fejl" in page
    assert "secret internal detail" not in page and "Traceback" not in page
