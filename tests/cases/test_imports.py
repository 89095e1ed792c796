"""Imports (issue #20): an administrator uploads a file, sees what it would do, confirms; the same
file again changes nothing; a changed file ends what it no longer lists, and the grants follow.
Bad files and bad rows get Danish reasons and change nothing; only the municipality's own
administrator gets near any of it."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from cases.imports.services import import_drop_folder_sync, imports_expire
from cases.models import (
    Child,
    Enrolment,
    Guardian,
    Guardianship,
    ImportRun,
    ImportStatus,
    TimelineEntry,
)
from cases.selectors import child_list_visible_to
from tests import factories as f
from tests.factories import noon
from trivsel.audit.models import AccessLogEntry, Basis
from trivsel.organisation.models import Role, StaffProfile

# Fictitious CPR numbers that pass the date check (and fail the old modulus 11 on purpose).
BO = "1403219702"
CILLE = "2311209650"
ALMA = "1705214123"  # the personas' child, enrolled in Mejsestuen from 01.08.2024
MOTHER = "1204882970"
FATHER = "0308901404"

HEADER = "cpr;fornavn;efternavn;enhed;gruppe;fra;til\n"
FIRST_FILE = (
    HEADER
    + f"{ALMA};Alma;Hansen;Børnehaven Mejsen;Mejsestuen;01.08.2024;\n"
    + f"{BO};Bo;Nørgaard;Børnehaven Mejsen;Mejsestuen;01.08.2025;\n"
    + f"{CILLE};Cille;Østergaard;Åskolen;2.A;12.08.2024;\n"
)


def upload(client, content, *, kind="indskrivninger", name="indskrivninger.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    upload_file = io.BytesIO(data)
    upload_file.name = name
    return client.post("/import/", {"kind": kind, "file": upload_file})


def preview_of(client, content, **kwargs):
    response = upload(client, content, **kwargs)
    assert response.status_code == 302, response.content.decode()[:3000]
    run = ImportRun.objects.latest("pk")
    return run, client.get(f"/import/{run.pk}/")


def confirm(client, run):
    response = client.post(f"/import/{run.pk}/bekraeft/")
    assert response.status_code == 302
    run.refresh_from_db()
    return run


def state():
    return (
        Child.objects.count(),
        list(Enrolment.objects.order_by("pk").values_list("pk", "group_id", "start", "end")),
        Guardian.objects.count(),
        list(Guardianship.objects.order_by("pk").values_list("pk", "has_custody")),
        TimelineEntry.objects.count(),
    )


def sees(user, cpr):
    return child_list_visible_to(user).filter(cpr=cpr).exists()


@pytest.fixture
def admin(world, login):
    return login(world.administrator)


def test_it_shows_what_would_happen_and_changes_nothing_until_confirmed(world, admin):
    before = state()
    run, page = preview_of(admin, FIRST_FILE)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nyt barn: Bo Nørgaard (140321-XXXX)" in text
    assert "Indskrivning: 231120-XXXX i Åskolen · 2.A fra 12.08.2024" in text
    assert BO not in text and CILLE not in text  # CPR numbers masked
    assert (run.created, run.changed, run.ended, run.unchanged) == (4, 0, 0, 1)
    assert state() == before
    assert run.status == ImportStatus.PREVIEW and BO.encode() in bytes(run.content)
    looks = AccessLogEntry.objects.filter(actor=world.administrator, object_id=str(run.pk))
    assert looks.filter(purpose="Forhåndsvisning af import").exists()


def test_confirming_imports_all_of_it_and_the_grants_follow(world, admin):
    run, _page = preview_of(admin, FIRST_FILE)
    run = confirm(admin, run)
    assert run.status == ImportStatus.APPLIED
    assert run.content is None and run.preview is None  # the file is deleted with the import
    bo = Child.objects.get(cpr=BO)
    assert bo.birth_date == date(2021, 3, 14) and bo.municipality == world.solby
    assert sees(world.paedagog, BO) and not sees(world.teacher, BO)
    assert sees(world.teacher, CILLE) and not sees(world.outsider, CILLE)
    entry = AccessLogEntry.objects.filter(object_type="cases.importrun", object_id=str(run.pk))
    entry = entry.latest("pk")
    assert entry.actor == world.administrator and entry.basis == Basis.ADMINISTRATION
    assert entry.municipality == world.solby
    assert "indskrivninger.csv" in entry.detail and "2 oprettet" not in entry.detail
    assert "4 oprettet" in entry.detail
    assert TimelineEntry.objects.filter(child=bo, text__startswith="Indskrevet").exists()


def test_the_same_file_twice_changes_nothing(world, admin):
    confirm(admin, preview_of(admin, FIRST_FILE)[0])
    before = state()
    run, page = preview_of(admin, FIRST_FILE)
    assert (run.created, run.changed, run.ended, run.unchanged) == (0, 0, 0, 3)
    confirm(admin, run)
    assert state() == before


def test_a_changed_file_ends_what_it_no_longer_lists_and_access_moves(world, admin):
    confirm(admin, preview_of(admin, FIRST_FILE)[0])
    # Alma moves to 2.A; Bo's start moves; Cille is gone from the school.
    changed = (
        HEADER
        + f"{ALMA};Alma;Hansen;Åskolen;2.A;01.12.2025;\n"
        + f"{BO};Bo;Nørgaard;Børnehaven Mejsen;Mejsestuen;15.08.2025;\n"
    )
    run, page = preview_of(admin, changed)
    text = page.content.decode()
    assert (run.created, run.changed, run.ended) == (1, 1, 2)
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert f"Slutter: 231120-XXXX i Åskolen · 2.A den {today}" in text
    assert f"Slutter: 170521-XXXX i Børnehaven Mejsen · Mejsestuen den {today}" in text
    confirm(admin, run)
    assert Enrolment.objects.get(child__cpr=CILLE).end == timezone.localdate()
    assert Enrolment.objects.get(child__cpr=BO).start == date(2025, 8, 15)
    # The new group's teacher sees Alma at once; the old room until the end of the import day.
    assert sees(world.teacher, ALMA)
    with time_machine.travel(noon(1)):
        assert sees(world.teacher, ALMA)
        assert not sees(world.paedagog, ALMA)
        assert not sees(world.teacher, CILLE)


XLSX_ERRORS = {
    "wrong encoding": (
        "utf-16.csv",
        "cpr;fornavn\n".encode("utf-16"),
        "kunne ikke læses som tekst i UTF-8 eller Windows-1252",
    ),
    "missing column": (
        "x.csv",
        "cpr;enhed;gruppe\n1403219702;Børnehaven Mejsen;Mejsestuen\n".encode(),
        "Filen mangler kolonnen »fra«",
    ),
    "empty file": ("x.csv", b"\n\n", "Filen er tom."),
    "only headings": ("x.csv", HEADER.encode(), "ingen rækker"),
    "xlsx garbage": ("x.xlsx", b"PK\x03\x04 not a workbook at all", "Excel-regneark"),
}


@pytest.mark.parametrize("case", XLSX_ERRORS, ids=list(XLSX_ERRORS))
def test_a_file_that_cannot_be_read_is_refused_in_danish_and_changes_nothing(world, admin, case):
    name, content, message = XLSX_ERRORS[case]
    before = state()
    response = upload(admin, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state() == before
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED and run.content is None
    assert AccessLogEntry.objects.filter(object_id=str(run.pk), detail__contains=name).exists()


def test_a_form_without_a_file_or_a_kind_says_so_in_danish(world, admin):
    response = admin.post("/import/", {})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Vælg, hvad filen indeholder." in text and "Vælg en fil, der skal importeres." in text
    assert not ImportRun.objects.exists()


def test_a_cpr_number_in_the_files_name_is_masked(world, admin):
    run, page = preview_of(admin, FIRST_FILE, name=f"C:\\eksport\\{BO}.csv")
    assert run.file_name == "140321-XXXX.csv"
    assert BO not in page.content.decode()
    assert not AccessLogEntry.objects.filter(detail__contains=BO).exists()


def test_rows_that_cannot_be_taken_are_named_with_their_row_and_the_rest_is_imported(world, admin):
    content = (
        HEADER
        + f"{BO};Bo;Nørgaard;Børnehaven Mejsen;Mejsestuen;01.08.2025;\n"  # row 2
        + "3002211234;Ulla;Ugyldig;Børnehaven Mejsen;Mejsestuen;01.08.2025;\n"  # 30 February
        + f"{CILLE};Cille;Østergaard;Nabohaven;Nabostuen;01.08.2025;\n"  # the neighbour's unit
        + f"{BO};Bo;Nørgaard;Børnehaven Mejsen;Mejsestuen;01.08.2025;\n"  # row 2 again
        + f"{CILLE};Cille;Østergaard;Åskolen;9.Z;01.08.2025;\n"
        + f"{CILLE};Cille;Østergaard;Åskolen;2.A;31.13.2025;\n"
    )
    before = state()
    run, page = preview_of(admin, content)
    text = page.content.decode()
    assert "Række" in text and "CPR-nummeret i »cpr« er ikke gyldigt" in text
    assert "Ukendt enhed »Nabohaven«" in text
    assert "Rækken gentager række 2." in text
    assert "Ukendt gruppe »9.Z« i Åskolen." in text
    assert "»31.13.2025« i »fra« er ikke en dato" in text
    assert run.rejected == 5 and run.created == 2
    assert state() == before
    confirm(admin, run)
    assert Enrolment.objects.filter(child__cpr=BO).count() == 1
    assert not Child.objects.filter(cpr=CILLE).exists()
    assert (
        not Enrolment.objects.filter(unit=world.nabo_unit)
        .exclude(child__municipality=world.nabo_kommune)
        .exists()
    )


def test_a_rejected_row_does_not_end_the_childs_enrolment(world, admin):
    content = HEADER + f"{ALMA};Alma;Hansen;Børnehaven Mejsen;Mejsestuen;01.13.2024;\n"
    run, _page = preview_of(admin, content)
    assert (run.rejected, run.ended) == (1, 0)


def test_windows_1252_and_xlsx_are_read(world, admin):
    cp1252 = (HEADER + f"{BO};Bø;Ærø-Åsen;Børnehaven Mejsen;Mejsestuen;01.08.2025;\n").encode(
        "cp1252"
    )
    confirm(admin, preview_of(admin, cp1252, name="ansi.csv")[0])
    assert Child.objects.get(cpr=BO).last_name == "Ærø-Åsen"

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["CPR", "Fornavn", "Efternavn", "Enhed", "Gruppe", "Fra", "Til"])
    # A spreadsheet that took the CPR number for a number, and a real date cell.
    sheet.append([int("0805174893"), "Villads", "Bech", "Åskolen", "2.A", date(2024, 8, 12), None])
    data = io.BytesIO()
    workbook.save(data)
    run, page = preview_of(admin, data.getvalue(), name="skole.xlsx")
    assert run.created == 2, page.content.decode()[-3000:]
    confirm(admin, run)
    assert Enrolment.objects.get(child__cpr="0805174893").start == date(2024, 8, 12)


def test_children_then_guardians_with_custody(world, admin):
    children = "cpr;fornavn;efternavn;adresse\n" + f"{BO};Bo;Nørgaard;Skovvej 4\n"
    confirm(admin, preview_of(admin, children, kind="boern", name="boern.csv")[0])
    assert Child.objects.get(cpr=BO).address == "Skovvej 4"
    guardians = (
        "barn_cpr;cpr;fornavn;efternavn;email;telefon;foraeldremyndighed\n"
        + f"{BO};{MOTHER};Line;Nørgaard;line@example.invalid;;ja\n"
        + f"{BO};{FATHER};Kasper;Nørgaard;;;nej\n"
        + f"{CILLE};{FATHER};Kasper;Nørgaard;;;ja\n"
    )
    run, page = preview_of(admin, guardians, kind="foraeldre", name="foraeldre.csv")
    text = page.content.decode()
    assert "Forælderen har ikke forældremyndighed" in text
    assert "Ukendt barn 231120-XXXX" in text
    confirm(admin, run)
    bo = Child.objects.get(cpr=BO)
    assert list(bo.guardians.values_list("cpr", flat=True)) == [MOTHER]
    # The same file again: nothing; without the mother, her custody ends.
    before = state()
    confirm(admin, preview_of(admin, guardians, kind="foraeldre", name="foraeldre.csv")[0])
    assert state() == before
    only_father = (
        "barn_cpr;cpr;fornavn;efternavn;foraeldremyndighed\n" + f"{BO};{FATHER};Kasper;N;ja\n"
    )
    run = confirm(admin, preview_of(admin, only_father, kind="foraeldre", name="f.csv")[0])
    assert (run.created, run.ended) == (2, 1)
    assert not Guardianship.objects.get(guardian__cpr=MOTHER).has_custody
    # A row saying the father no longer has custody is not taken, and his custody ends.
    father_without = only_father.replace(";ja\n", ";nej\n")
    run = confirm(admin, preview_of(admin, father_without, kind="foraeldre", name="f.csv")[0])
    assert (run.rejected, run.ended) == (1, 1)
    assert not Guardianship.objects.filter(child=bo, has_custody=True).exists()


def test_staff_are_created_and_kept_in_step(world, admin):
    staff = (
        "email;fornavn;efternavn;titel;roller;enheder;grupper\n"
        "anja@example.invalid;Anja;Lund;Pædagog;paedagog;Børnehaven Mejsen;"
        "Børnehaven Mejsen/Mejsestuen\n"
        "henrik@example.invalid;Henrik;X;;administrator;;\n"
        "bo@example.invalid;Bo;K;Lærer;troldmand;Åskolen;\n"
    )
    world.administrator.email = "henrik@example.invalid"
    world.administrator.save()
    run, page = preview_of(admin, staff, kind="personale", name="personale.csv")
    text = page.content.decode()
    assert "Ukendt rolle »troldmand«" in text
    assert "Dine egne roller" in text
    run = confirm(admin, run)
    profile = StaffProfile.objects.get(user__email="anja@example.invalid")
    assert profile.roles == [Role.PAEDAGOG] and not profile.user.has_usable_password()
    assert list(profile.groups.all()) == [world.room]
    assert sees(profile.user, ALMA)  # through the room's access group
    again, _page = preview_of(admin, staff, kind="personale", name="personale.csv")
    assert (again.created, again.changed, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    "persona", ["paedagog", "teacher", "leader", "social_worker", "guardian", "outsider"]
)
def test_only_the_municipalitys_administrator_gets_near_an_import(world, login, persona):
    run = ImportRun.objects.create(
        municipality=world.solby,
        kind="indskrivninger",
        status="preview",
        source="browser",
        file_name="x.csv",
        content=b"x",
        created_by=world.administrator,
    )
    client = login(getattr(world, persona))
    for url in ("/import/", f"/import/{run.pk}/"):
        assert client.get(url).status_code == 404
    for url in (f"/import/{run.pk}/bekraeft/", f"/import/{run.pk}/annuller/"):
        assert client.post(url).status_code == 404
    assert upload(client, FIRST_FILE).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEW


def test_another_municipalitys_administrator_gets_404(world, login, admin):
    run, _page = preview_of(admin, FIRST_FILE)
    nabo_admin = f.StaffFactory(
        user=f.UserFactory(username="nabo-admin", municipality=world.nabo_kommune, is_staff=True),
        roles=[Role.ADMINISTRATOR],
    ).user
    client = login(nabo_admin)
    assert client.get(f"/import/{run.pk}/").status_code == 404
    assert client.post(f"/import/{run.pk}/bekraeft/").status_code == 404
    assert "x.csv" not in client.get("/import/").content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEW
    assert AccessLogEntry.objects.filter(actor=nabo_admin, basis=Basis.DENIED).exists()


def test_cancel_and_expiry_delete_the_file(world, admin, settings):
    settings.IMPORT_PREVIEW_MINUTES = 5
    run, _page = preview_of(admin, FIRST_FILE)
    assert admin.post(f"/import/{run.pk}/annuller/").status_code == 302
    run.refresh_from_db()
    assert (run.status, run.content) == (ImportStatus.CANCELLED, None)
    run, _page = preview_of(admin, FIRST_FILE)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        # Confirmed too late (before the sweep): refused, and the file forgotten all the same.
        response = admin.post(f"/import/{run.pk}/bekraeft/", follow=True)
        assert "Forhåndsvisningen er udløbet" in response.content.decode()
        run.refresh_from_db()
        assert (run.status, run.content) == (ImportStatus.EXPIRED, None)
    run, _page = preview_of(admin, FIRST_FILE)
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert imports_expire() == 1
        response = admin.post(f"/import/{run.pk}/bekraeft/", follow=True)
        assert "venter ikke længere" in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.content) == (ImportStatus.EXPIRED, None)
    assert not Child.objects.filter(cpr=BO).exists()


def test_the_start_page_lists_runs_in_constant_queries(world, admin, django_assert_max_num_queries):
    for _ in range(3):
        preview_of(admin, FIRST_FILE)
    with django_assert_max_num_queries(12):
        response = admin.get("/import/")
    assert response.content.decode().count("indskrivninger.csv") == 3
    run = ImportRun.objects.latest("pk")
    assert f'href="/import/{run.pk}/"' in response.content.decode()  # back to a preview


def test_the_nightly_command_syncs_and_reports(world, tmp_path, login):
    path = tmp_path / "indskrivninger.csv"
    path.write_text(FIRST_FILE + "9999999999;X;Y;Åskolen;2.A;01.08.2025;\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_enrolments", str(path), municipality="901", stdout=out)
    assert "4 oprettet" in out.getvalue() and "Række 5" in out.getvalue()
    assert "9999999999" not in out.getvalue()
    assert sees(world.teacher, CILLE)
    run = ImportRun.objects.get()
    assert run.source == "command" and run.created_by is None and run.content is None
    assert AccessLogEntry.objects.filter(object_id=str(run.pk), municipality=world.solby).exists()
    before = state()
    call_command("import_enrolments", str(path), "--delete", municipality="901", stdout=out)
    assert state() == before and not path.exists()
    path.write_text("noget helt andet\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="mangler kolonnen"):
        call_command("import_enrolments", str(path), municipality="901")
    # Its summary on /drift/, for the municipality's administrator.
    page = login(world.administrator).get("/drift/").content.decode()
    assert "Natlig synkronisering" in page and "Afvist" in page


def test_the_nightly_sync_refuses_a_file_that_would_end_most_of_what_it_covers(world, tmp_path):
    for _ in range(25):
        f.EnrolmentFactory(child=f.ChildFactory(municipality=world.solby), group=world.school_class)
    before = state()
    path = tmp_path / "halv.csv"
    path.write_text(FIRST_FILE, encoding="utf-8")
    with pytest.raises(CommandError, match="ville afslutte 25 af 26 indskrivninger"):
        call_command("import_enrolments", str(path), municipality="901")
    assert state() == before


def test_the_drop_folder_imports_each_municipalitys_files_and_deletes_them(world, tmp_path):
    (tmp_path / "901").mkdir()
    (tmp_path / "902").mkdir()
    (tmp_path / "901" / "i.csv").write_text(FIRST_FILE, encoding="utf-8")
    # Solby's units are not the neighbour's: the same file there takes nothing.
    (tmp_path / "902" / "i.csv").write_text(FIRST_FILE, encoding="utf-8")
    runs = import_drop_folder_sync(folder=tmp_path)
    assert sorted((r.municipality.code, r.created, r.rejected) for r in runs) == [
        ("901", 4, 0),
        ("902", 0, 3),
    ]
    assert not list(tmp_path.rglob("*.csv"))
    assert not Child.objects.filter(municipality=world.nabo_kommune, cpr=BO).exists()


def test_the_sample_files_import_cleanly_and_a_second_time_change_nothing(world):
    """docs/import/: every sample file is taken whole in a municipality with the demo's units."""
    from pathlib import Path

    from cases.imports.services import import_confirm, import_preview

    for unit_name, group_names in {
        "Børnehuset Solsikken": ["Solstuen", "Månestuen"],
        "Vuggestuen Mælkebøtten": ["Myrestuen"],
        "Bakkeskolen": ["0.A", "3.B"],
        "SFO Bakken": ["SFO 1"],
    }.items():
        unit = f.UnitFactory(municipality=world.solby, name=unit_name)
        for name in group_names:
            f.GroupFactory(unit=unit, name=name)
    samples = Path(__file__).resolve().parents[2] / "docs" / "import"
    for round_ in (1, 2):
        for kind, name in [
            ("boern", "boern.csv"),
            ("foraeldre", "foraeldre.csv"),
            ("indskrivninger", "indskrivninger.csv"),
            ("personale", "personale.csv"),
        ]:
            run, _plan = import_preview(
                actor=world.administrator,
                kind=kind,
                file_name=name,
                content=(samples / name).read_bytes(),
            )
            assert run.rejected == 0, (name, _plan.errors)
            run = import_confirm(actor=world.administrator, run=run)
            assert run.status == ImportStatus.APPLIED
            if round_ == 2:
                assert (run.created, run.changed, run.ended) == (0, 0, 0), name
    assert Enrolment.objects.filter(child__cpr="0805174893").count() == 2
    assert Guardianship.objects.filter(guardian__cpr=MOTHER, has_custody=True).count() == 2
    sample_staff = ["anja.lund", "bo.kristensen", "camilla.holt"]
    assert (
        StaffProfile.objects.filter(
            user__username__in=[f"{name}@example.invalid" for name in sample_staff]
        ).count()
        == 3
    )
