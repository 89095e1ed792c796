"""The main pages are valid HTML: each rendered as its own user, then one run of the Nu HTML
Checker (the npm package vnu-jar, run with Java) over all of them. htmx's hx-* attributes are
not HTML's, so the checker's complaints about them are left out."""

import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cases import services as case_services
from cases.imports.services import import_preview
from cases.insight import services as insight_services
from meetings import services as meeting_services
from meetings.models import Forum, ForumKind
from referrals.models import Underretning
from tests.audit.conftest import look, this_monday
from tests.cases.test_young_person import make_young_person
from tests.meetings.conftest import at, write_minutes
from tests.referrals.conftest import intake  # noqa: F401 (a fixture)
from tests.referrals.test_public import answers
from trivsel.audit.models import SampledLookup
from trivsel.audit.services import lookup_samples_draw

VNU_JAR = Path(
    os.environ.get("VNU_JAR") or settings.BASE_DIR / "node_modules/vnu-jar/build/dist/vnu.jar"
)
# "Attribute hx-post not allowed on element form at this point." and the like.
HTMX = re.compile(r"\bhx-[a-z-]+\b")


def pages(world, login, client):
    """(name, user or None, url): the main pages, each as one of its users."""
    meeting = meeting_services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose="Fælles aftaler om sprog og samspil",
        starts_at=at(3),
        place="Børnehaven Mejsen",
        tovholder=world.paedagog,
    )
    guardian = world.child.guardians.get()
    meeting_services.participant_add(
        actor=world.leader, meeting=meeting, kind="parent", guardian=guardian
    )
    meeting_services.network_consent_record(
        actor=world.leader, meeting=meeting, guardian=guardian, paper_date=timezone.localdate()
    )
    meeting.refresh_from_db()
    write_minutes(world, meeting, agreements="Små legegrupper i seks uger.")
    unconsented = meeting_services.network_meeting_create(
        actor=world.leader,
        child=world.child,
        purpose="Opfølgning på aftalerne",
        starts_at=at(5),
        place="Børnehaven Mejsen",
        tovholder=world.leader,
    )
    forum = Forum.objects.create(
        municipality=world.solby,
        unit=world.kindergarten,
        name="Tværfagligt team Mejsen",
        kind=ForumKind.CROSS_DISCIPLINARY,
        agenda_deadline_days=7,
    )
    forum.members.set([world.leader, world.paedagog])
    forum_meeting = meeting_services.forum_meeting_create(
        actor=world.leader,
        forum=forum,
        title="Teammøde",
        starts_at=at(14),
        place="Personalerummet",
        tovholder=world.leader,
    )
    client.post(f"/underret/{world.solby.code}/", answers())
    notification = Underretning.objects.get()
    young_child, young, _parent = make_young_person(world, age_years=16)
    young_forlob = case_services.forlob_open(
        actor=world.teacher,
        child=young_child,
        title="Fremmøde",
        tovholder=world.teacher,
        review_date=timezone.localdate() + timezone.timedelta(days=30),
    )
    # An insight request with an entry on the exception path to decide.
    Underretning.objects.create(
        municipality=world.solby,
        route="classic",
        category="violence",
        child=world.child,
        text="Mistanke om vold i hjemmet.",
        suspected_violence=True,
        received_at=timezone.now(),
    )
    insight = insight_services.insight_request_create(actor=world.guardian, child=world.child)
    looked_up = look(world.paedagog, world.child, at=this_monday(10) - timedelta(days=3))
    lookup_samples_draw(now=this_monday(9))
    sampled = SampledLookup.objects.get(entry=looked_up)
    import_run, _plan = import_preview(
        actor=world.administrator,
        kind="indskrivninger",
        file_name="indskrivninger.csv",
        content=(
            "cpr;enhed;gruppe;fra\n1403219702;Børnehaven Mejsen;Mejsestuen;01.08.2025\n"
            "1403219702;Ukendt;;01.08.2025\n"
        ).encode(),
    )
    return [
        ("login", None, "/log-ind/"),
        ("public-choose", None, "/underret/"),
        ("public-form", None, f"/underret/{world.solby.code}/"),
        ("home", world.paedagog, "/"),
        ("home-guardian", world.guardian, "/"),
        ("child", world.paedagog, f"/boern/{world.child.pk}/"),
        ("children", world.paedagog, "/boern/"),
        ("rating", world.paedagog, f"/trivsel/runde/{world.round.pk}/"),
        ("meetings", world.leader, "/moeder/"),
        ("meeting", world.leader, f"/moeder/{meeting.pk}/"),
        ("meeting-tovholder", world.paedagog, f"/moeder/{meeting.pk}/"),
        ("minutes", world.paedagog, f"/moeder/{meeting.pk}/referat/"),
        ("network-meeting-new", world.paedagog, "/moeder/netvaerksmoede/ny/"),
        ("consent-new", world.paedagog, f"/boern/{world.child.pk}/samtykke/ny/"),
        ("meeting-consent", world.leader, f"/moeder/{unconsented.pk}/"),
        ("forum", world.leader, f"/moeder/forum/{forum.pk}/"),
        ("forum-consent", world.leader, f"/moeder/forum/{forum.pk}/samtykke/"),
        ("forum-meeting", world.leader, f"/moeder/{forum_meeting.pk}/"),
        ("agenda-item-new", world.paedagog, f"/moeder/{forum_meeting.pk}/dagsorden/ny/"),
        ("rounds", world.leader, "/trivsel/"),
        ("round-new", world.leader, "/trivsel/runde/ny/"),
        ("password-reset", None, "/nulstil-adgangskode/"),
        ("tasks", world.leader, "/opgaver/"),
        ("involvement-new", world.paedagog, f"/boern/{world.child.pk}/involvering/ny/"),
        ("forlob-new", world.paedagog, f"/boern/{world.child.pk}/forloeb/ny/"),
        ("dialogue-new", world.paedagog, "/underretninger/dialog/ny/"),
        ("notification", world.social_worker, f"/underretninger/{notification.pk}/"),
        ("notification-lead", world.team_leader, f"/underretninger/{notification.pk}/"),
        ("referral-new", world.social_worker, "/henvisninger/ny/"),
        ("notification-record", world.social_worker, "/underretninger/modtaget/"),
        ("intake", world.social_worker, "/underretninger/"),
        ("notify", world.paedagog, "/underretninger/ny/"),
        ("home-young-person", young, "/"),
        ("child-young-person", young, f"/boern/{young_child.pk}/"),
        ("own-words", young, f"/forloeb/{young_forlob.pk}/egne-ord/"),
        ("child-guardian", world.guardian, f"/boern/{world.child.pk}/"),
        ("insight-list", world.administrator, "/indsigt/"),
        ("insight", world.social_worker, f"/indsigt/{insight.pk}/"),
        ("log-review", world.leader, "/adgangslog/gennemgang/"),
        ("sampled-lookup", world.leader, f"/adgangslog/gennemgang/{sampled.pk}/"),
        ("data-protection", world.administrator, "/adgangslog/databeskyttelse/"),
        ("retention-report", world.administrator, "/opbevaring/"),
        ("import", world.administrator, "/import/"),
        ("import-preview", world.administrator, f"/import/{import_run.pk}/"),
        ("operations", world.administrator, "/drift/"),
    ]


def test_the_main_pages_are_valid_html(school, intake, login, client, tmp_path):  # noqa: F811
    # `make test` installs the checker first (npm ci: vnu-jar); Java comes with the machine.
    assert VNU_JAR.exists(), f"no Nu HTML Checker at {VNU_JAR}: run `make setup`"
    assert shutil.which("java"), "the Nu HTML Checker needs Java (java on the PATH)"
    files = []
    for name, user, url in pages(school, login, client):
        client.logout()
        if user is not None:
            login(user)
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} | {m.get('extract')}"
        for m in json.loads(result.stderr or result.stdout)["messages"]
        if not HTMX.search(m["message"])
    ]
    assert messages == [], "\n".join(messages)


def test_a_field_labels_only_controls_that_can_take_a_label():
    """The shared field include: a hidden field gets no label, and a group of radio buttons or
    checkboxes a legend with one label per choice (a label for="" otherwise)."""
    from django import forms
    from django.template.loader import render_to_string

    from trivsel.forms import DesignSystemForm

    class Form(DesignSystemForm):
        version = forms.IntegerField(widget=forms.HiddenInput, initial=3)
        answer = forms.ChoiceField(choices=[("ja", "Ja"), ("nej", "Nej")], widget=forms.RadioSelect)
        days = forms.MultipleChoiceField(
            choices=[("man", "Mandag")], widget=forms.CheckboxSelectMultiple
        )

    html = render_to_string("includes/form_fields.html", {"form": Form()})
    assert 'for=""' not in html and 'for="id_version"' not in html
    assert 'type="hidden" name="version"' in html
    assert html.count("<legend") == 2
    for control in ("id_answer_0", "id_answer_1", "id_days_0"):
        assert f'for="{control}"' in html
