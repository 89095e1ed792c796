"""A 10-page minutes PDF (DESIGN.md §8: under 1.5 s, no N+1 queries while rendering): the whole
path of a download (database reads, the Django template, WeasyPrint's layout and PDF/UA-1 writing)
against WeasyPrint alone on the same HTML, measured in the same run and printed as a ratio.

Peak memory is measured in separate runs with tracemalloc (it slows what it watches, so the timed
runs go without it). The data is made inside a transaction that is rolled back at the end."""

import resource
import statistics
import time
import tracemalloc
from datetime import date, datetime, timedelta

from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Child, Guardian, Guardianship
from meetings.models import (
    ActionItem,
    Decision,
    Meeting,
    Minutes,
    MinutesStatus,
    Participant,
    ParticipantKind,
)
from meetings.pdf import minutes_html, render_minutes_pdf
from trivsel.organisation.models import Municipality, Role, StaffProfile, Unit, User
from trivsel.pdf import html_to_pdf

REPEAT = 9
TARGET_PAGES = 10
PARAGRAPH = (
    "Hun er glad for at komme i børnehaven og leger helst med én fast veninde. I store grupper "
    "trækker hun sig, og hun siger sjældent noget i samling; i små grupper fortæller hun gerne "
    "om det, hun har oplevet derhjemme. Forældrene oplever en snakkesalig pige ved spisebordet. "
)


class Rollback(Exception):
    pass


def _minutes(paragraphs):
    municipality, _ = Municipality.objects.get_or_create(
        code="996", defaults={"name": "Benchmark Kommune"}
    )
    unit = Unit.objects.create(
        municipality=municipality, name="Børnehaven Åbakken", type="boernehave"
    )
    people = []
    for i in range(8):
        user = User.objects.create(
            username=f"bench-moede-{i}",
            municipality=municipality,
            first_name=f"Ære{i}",
            last_name="Sørensen",
        )
        profile = StaffProfile.objects.create(user=user, roles=[Role.PAEDAGOG], title="Pædagog")
        profile.units.set([unit])
        people.append(user)
    child = Child.objects.create(
        municipality=municipality,
        first_name="Åse",
        last_name="Østergård",
        cpr="0101204999",
        birth_date=date(2020, 1, 1),
    )
    guardian = Guardian.objects.create(
        municipality=municipality, first_name="Bjørn", last_name="Østergård"
    )
    Guardianship.objects.create(child=child, guardian=guardian)
    meeting = Meeting.objects.create(
        municipality=municipality,
        child=child,
        title="Netværksmøde om Åse",
        purpose="Fælles aftaler om sprog og samspil hjemme og i børnehaven.",
        starts_at=timezone.make_aware(datetime(2026, 11, 20, 14)),
        place="Mødelokalet",
        tovholder=people[0],
        chair=people[1],
        created_by=people[1],
    )
    Participant.objects.bulk_create(
        [
            Participant(
                meeting=meeting,
                kind=ParticipantKind.STAFF,
                user=u,
                name=u.get_full_name(),
                role="Pædagog",
            )
            for u in people
        ]
        + [
            Participant(
                meeting=meeting,
                kind=ParticipantKind.PARENT,
                guardian=guardian,
                name="Bjørn Østergård",
                role="Far",
            )
        ]
    )
    text = "\n\n".join([PARAGRAPH] * paragraphs)
    minutes = Minutes.objects.create(
        meeting=meeting,
        status=MinutesStatus.APPROVED,
        approved_by=people[0],
        approved_at=timezone.now(),
        going_well=text,
        challenges=text,
        options=text,
        agreements=text,
        assessment=text,
        child_view=PARAGRAPH,
        parents_view=PARAGRAPH,
        evaluation=PARAGRAPH,
        internal_notes=PARAGRAPH,
    )
    Decision.objects.bulk_create(
        Decision(minutes=minutes, text=f"Beslutning {i}: små legegrupper", reason=PARAGRAPH)
        for i in range(10)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            minutes=minutes,
            what=f"Handling {i}: observation på stuen",
            owner=people[i % len(people)],
            due_date=date(2026, 12, 1) + timedelta(days=i),
        )
        for i in range(25)
    )
    return minutes


def _time(*functions):
    """Median and maximum (ms) of each function, run turn about so that a busy machine (two
    shared cores) slows them alike."""
    for function in functions:
        function()  # warm-up: fonts, templates, caches
    samples = [[] for _ in functions]
    for _ in range(REPEAT):
        for function, times in zip(functions, samples, strict=True):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(times), max(times)) for times in samples]


def _peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run():
    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            _run()
            raise Rollback
    except Rollback:
        pass


def _run():
    paragraphs = 6
    while True:
        attempt = transaction.savepoint()
        minutes = _minutes(paragraphs)
        _pdf, pages = render_minutes_pdf(minutes.pk, variant="staff")
        if pages >= TARGET_PAGES:
            break
        transaction.savepoint_rollback(attempt)
        paragraphs += 2
    html = minutes_html(minutes.pk, variant="staff")
    print(
        f"minutes: {pages} pages, {len(html) // 1024} KiB of HTML, 25 action items, "
        f"10 decisions, 9 participants"
    )

    with CaptureQueriesContext(connection) as queries:
        render_minutes_pdf(minutes.pk, variant="staff")
    print(f"{'queries for the whole PDF':<45} {len(queries)}")

    (full_median, full_max), (alone_median, alone_max), (html_median, _max) = _time(
        lambda: render_minutes_pdf(minutes.pk, variant="staff"),
        lambda: html_to_pdf(html),
        lambda: minutes_html(minutes.pk, variant="staff"),
    )
    print(
        f"{'WeasyPrint alone, same HTML (baseline)':<45} median {alone_median:7.1f} ms   "
        f"max {alone_max:7.1f} ms"
    )
    print(f"{'database + template only':<45} median {html_median:7.1f} ms")
    target = "within" if full_median < 1500 else "OVER"
    print(
        f"{'whole minutes PDF (download path)':<45} median {full_median:7.1f} ms   "
        f"max {full_max:7.1f} ms  ({full_median / alone_median:.2f}× baseline; "
        f"{target} the 1500 ms target)"
    )

    full_peak = _peak(lambda: render_minutes_pdf(minutes.pk, variant="staff"))
    alone_peak = _peak(lambda: html_to_pdf(html))
    print(f"{'peak Python memory, WeasyPrint alone':<45} {alone_peak:7.1f} MiB")
    print(
        f"{'peak Python memory, whole minutes PDF':<45} {full_peak:7.1f} MiB  "
        f"({full_peak / alone_peak:.2f}× baseline)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak resident memory of this process':<45} {rss:7.1f} MiB")
