"""/tal/: each persona sees the figures of her scope, and nothing else (issue #18)."""

import csv
import io

import pytest
from django.urls import reverse

from trivsel.audit.models import AccessLogEntry, Action, Basis

URL = reverse("figures:figures")


def _rows(response, table_key):
    """The shown rows of one table, as the CSV export gives them: [[label, cell, …], …]."""
    return next(
        shown["body"]
        for section in response.context["sections"]
        for shown in section["tables"]
        if shown["table"].key == table_key
    )


@pytest.mark.parametrize(
    "persona", ["paedagog", "teacher", "social_worker", "guardian", "outsider"]
)
def test_it_answers_404_to_everyone_without_figures_and_logs_the_refusal(
    figures_world, login, persona
):
    user = getattr(figures_world, persona)
    response = login(user).get(URL)
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(actor=user, basis=Basis.DENIED).exists()


def test_it_sends_an_anonymous_visitor_to_the_login(client, figures_world):
    response = client.get(URL)
    assert response.status_code == 302 and "log-ind" in response["Location"]


def test_a_leader_sees_her_own_unit_per_group_with_small_counts_hidden(figures_world, login):
    response = login(figures_world.leader).get(URL)
    assert response.status_code == 200
    assert response.context["scope"].unit_ids == {figures_world.kindergarten.pk}
    # Six green, two yellow, no red: the two is hidden, and so is the six, or the total of
    # eight would give it away (the zero cannot protect it: its column's total is 0 too).
    [row] = _rows(response, "positions-place")
    assert row == ["Mejsestuen", "skjult", "skjult", 0, 8]
    content = response.content.decode()
    assert "2.A" not in content  # the school's class is not hers


def test_the_fagchef_sees_every_unit_of_the_municipality_and_no_other(figures_world, login):
    response = login(figures_world.fagchef).get(URL)
    assert response.status_code == 200
    scope = response.context["scope"]
    assert {figures_world.kindergarten.pk, figures_world.school.pk} <= scope.unit_ids
    assert figures_world.nabo_unit.pk not in scope.unit_ids
    labels = [row[0] for row in _rows(response, "positions-place")]
    assert labels == ["Børnehaven Mejsen", "Åskolen"]
    assert "Nabohaven" not in response.content.decode()


def test_a_place_of_another_municipality_answers_404(figures_world, login):
    client = login(figures_world.fagchef)
    response = client.get(URL, {"sted": f"u:{figures_world.nabo_unit.pk}"})
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(actor=figures_world.fagchef, basis=Basis.DENIED).exists()


def test_a_leader_cannot_widen_her_scope_to_another_unit(figures_world, login):
    response = login(figures_world.leader).get(URL, {"sted": f"u:{figures_world.school.pk}"})
    assert response.status_code == 404


def test_the_filter_narrows_to_one_unit_and_shows_its_groups(figures_world, login):
    client = login(figures_world.fagchef)
    response = client.get(URL, {"sted": f"u:{figures_world.school.pk}"})
    [row] = _rows(response, "positions-place")
    assert row == ["2.A", "skjult", 0, "skjult", 12]  # nine green, three red
    partial = client.get(URL, {"sted": f"u:{figures_world.school.pk}"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert b"<h1>" not in partial.content and b"2.A" in partial.content


def test_every_look_is_logged_with_its_filters(figures_world, login):
    login(figures_world.fagchef).get(
        URL, {"sted": f"u:{figures_world.school.pk}", "periode": "12m"}
    )
    entry = AccessLogEntry.objects.filter(actor=figures_world.fagchef, action=Action.READ).latest(
        "pk"
    )
    assert "Åskolen" in entry.detail and entry.child_id is None


def test_the_csv_holds_the_same_hidden_cells_as_the_page(figures_world, login):
    client = login(figures_world.leader)
    url = reverse("figures:figures_csv", args=["screening", "positions-place"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    mejse = next(row for row in rows if row[0] == "Mejsestuen")
    assert mejse == ["Mejsestuen", "skjult", "skjult", "0", "8"]
    assert AccessLogEntry.objects.filter(actor=figures_world.leader, action=Action.EXPORT).exists()


def test_an_unknown_table_answers_404(figures_world, login):
    url = reverse("figures:figures_csv", args=["screening", "no-such-table"])
    assert login(figures_world.leader).get(url).status_code == 404


def test_the_page_costs_the_same_queries_with_more_data(
    figures_world, login, django_assert_max_num_queries
):
    client = login(figures_world.fagchef)
    client.get(URL)  # warm the session and the caches
    with django_assert_max_num_queries(26) as first:
        client.get(URL)
    from tests.figures.conftest import more_rounds

    more_rounds(figures_world, count=4)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(URL)


def test_the_pdf_report_holds_the_same_hidden_cells_and_says_page_x_of_y(
    figures_world, login, tmp_path
):
    import subprocess

    response = login(figures_world.leader).get(reverse("figures:figures_pdf"), {"periode": "12m"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "tal.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Fælles positioner pr. gruppe" in text
    assert "Mejsestuen" in text and "skjult" in text
    assert "Side 1 af" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info  # PDF/UA-1
    assert AccessLogEntry.objects.filter(
        actor=figures_world.leader, action=Action.EXPORT, purpose__contains="PDF"
    ).exists()


def test_the_pdf_report_is_refused_like_the_page(figures_world, login):
    response = login(figures_world.paedagog).get(reverse("figures:figures_pdf"))
    assert response.status_code == 404
