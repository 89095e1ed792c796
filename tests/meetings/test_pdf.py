"""The PDF minutes: what pdftotext reads out of them, the parents' copy, the page footer, the
background job for long minutes and no N+1 queries while rendering."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import pdf, services
from meetings.models import PdfJob, PdfJobStatus
from tests.meetings.conftest import write_minutes

COLOUR = re.compile(r"\b(grøn\w*|gul|gule|gult|rød|røde|rødt)\b", re.IGNORECASE)


def pdf_text(data):
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


@pytest.fixture
def minutes(consented):
    m = write_minutes(
        consented,
        consented.meeting,
        going_well="Hun er glad for æblerne, søen og åen ved børnehaven.",
        challenges="Hun trækker sig i store grupper.",
        options="Små legegrupper.",
        agreements="Vi prøver legegrupper i seks uger.",
        assessment="Hun har brug for trygge rammer.",
        child_view="Hun kan bedst lide dukkekrogen.",
        parents_view="Forældrene er glade for planen.",
        evaluation="God stemning.",
        next_meeting=timezone.localdate() + timedelta(days=42),
        internal_notes="Intern vurdering: gul position i sidste runde.",
    )
    services.decision_add(
        actor=consented.paedagog, minutes=m, text="Legegrupper to gange om ugen", reason="Tryghed"
    )
    services.action_item_add(
        actor=consented.paedagog,
        minutes=m,
        what="Observation på stuen",
        owner=consented.leader,
        due_date=timezone.localdate() + timedelta(days=21),
    )
    services.minutes_approve(actor=consented.paedagog, minutes=m)
    return m


def test_the_pdf_holds_the_sections_and_danish_letters(minutes, login):
    response = login(minutes.meeting.tovholder).get(f"/moeder/referat/{minutes.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Alma" not in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "Referat",
        "æblerne, søen og åen",
        "Børnehaven Mejsen",
        "Solby Kommune",
        "Deltagere",
        "Det går godt",
        "Udfordringerne",
        "Mulighederne",
        "Konkrete aftaler",
        "Vurderinger",
        "Beslutninger",
        "Handlinger",
        "Barnets eget perspektiv",
        "Forældrenes perspektiv",
        "Det var godt ved mødet",
        "Næste møde",
        "Underskrifter",
        "Side 1 af",
        "Intern vurdering",
    ):
        assert expected in text, expected


def test_the_parents_copy_has_no_colour_words_and_no_internal_notes(minutes, login):
    response = login(minutes.meeting.tovholder).get(
        f"/moeder/referat/{minutes.pk}/pdf/?udgave=parent"
    )
    text = pdf_text(response.content)
    assert "Intern vurdering" not in text
    assert COLOUR.findall(text) == []
    assert "æblerne, søen og åen" in text
    assert "Fælles aftaler om sprog" in text  # the purpose is in the parents' copy too


def test_a_colour_word_in_the_purpose_never_reaches_the_parents_copy(consented):
    # Seeded where the parents' copy shows it, not only in the internal notes.
    consented.meeting.purpose = "Alma er i gul position i gruppen"
    consented.meeting.save()
    m = write_minutes(consented, consented.meeting, agreements="Små legegrupper")
    with pytest.raises(ValidationError):
        services.minutes_approve(actor=consented.paedagog, minutes=m)
    consented.meeting.purpose = "Alma trækker sig i store grupper"
    consented.meeting.save()
    services.minutes_approve(actor=consented.paedagog, minutes=m)
    text = pdf_text(pdf.render_minutes_pdf(m.pk, variant="parent")[0])
    assert "trækker sig i store grupper" in text
    assert COLOUR.findall(text) == []


def test_the_pdf_is_tagged_for_accessibility(minutes):
    data, pages = pdf.render_minutes_pdf(minutes.pk, variant="staff")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    assert "Tagged:          yes" in info.stdout.decode()
    assert pages >= 1


def test_rendering_has_no_n_plus_one_queries(minutes, consented):
    def queries_for(extra):
        draft = (
            services.minutes_new_version(
                actor=consented.paedagog, minutes=minutes, reason=f"Flere punkter {extra}"
            )
            if extra
            else minutes
        )
        for i in range(extra):
            services.action_item_add(
                actor=consented.paedagog,
                minutes=draft,
                what=f"Punkt {i}",
                owner=consented.leader,
                due_date=timezone.localdate() + timedelta(days=i + 1),
            )
            services.decision_add(
                actor=consented.paedagog, minutes=draft, text=f"Beslutning {i}", reason="Fordi"
            )
        with CaptureQueriesContext(connection) as ctx:
            pdf.minutes_html(draft.pk, variant="staff")
        return len(ctx.captured_queries)

    assert queries_for(0) == queries_for(30)


def test_long_minutes_render_in_a_worker_with_progress(minutes, login, monkeypatch):
    monkeypatch.setattr(pdf, "LONG_PDF_CHARS", 10)
    client = login(minutes.meeting.tovholder)
    response = client.get(f"/moeder/referat/{minutes.pk}/pdf/")
    job = PdfJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/moeder/pdf/{job.pk}/"
    page = client.get(f"/moeder/pdf/{job.pk}/").content.decode()
    assert "Venter i kø" in page and 'hx-trigger="every 1s"' in page
    assert client.get(f"/moeder/pdf/{job.pk}/hent/").status_code == 404  # not ready yet

    services.pdf_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == PdfJobStatus.DONE and job.pages >= 1
    partial = client.get(f"/moeder/pdf/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Hent PDF" in partial and "every 1s" not in partial
    download = client.get(f"/moeder/pdf/{job.pk}/hent/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    # Someone else's job is nobody else's business.
    assert login(minutes.meeting.created_by).get(f"/moeder/pdf/{job.pk}/").status_code == 404


def test_a_job_runs_once_even_if_delivered_twice(minutes, consented):
    job = PdfJob.objects.create(minutes=minutes, variant="parent", requested_by=consented.leader)
    assert services.pdf_job_run(job_id=job.pk) == job.pk
    assert services.pdf_job_run(job_id=job.pk) is None


def test_old_pdf_jobs_are_deleted_when_a_new_one_is_made(minutes, consented):
    old = PdfJob.objects.create(minutes=minutes, variant="staff", requested_by=consented.leader)
    PdfJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    services.pdf_job_create(actor=consented.paedagog, minutes=minutes, variant="staff")
    assert not PdfJob.objects.filter(pk=old.pk).exists()
