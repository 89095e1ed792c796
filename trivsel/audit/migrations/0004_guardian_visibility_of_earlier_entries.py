"""The guardians' log became an allow-list (0003): entries written before it have no topic and
would never show. Here the earlier day-to-day, consent and handover look-ups are let through, by
the same rule as today's — only what is certainly one of them: a look at the child's record,
a consent or a handover, on the enrolment or a consent, by someone not on the social-work side,
for one of the purposes those pages wrote (in Danish or English). Everything else stays for
the administrators only."""

from django.db import migrations
from django.db.models import F

SOCIAL_WORK_ROLES = ["socialraadgiver", "teamleder"]

DAILY_CARE = {
    "Barnets side", "Child's page", "Vis CPR-nummer", "Show CPR number", "Børneliste",
    "Children list", "Trivsel: individuel markering", "Screening: individual mark",
    "Trivsel: individuelle markeringer", "Screening: individual marks",
    "Trivsel: fælles trivselsvurdering", "Screening: joint assessment", "Trivsel: historik",
    "Screening: history", "Kommende overgange", "Upcoming transitions", "Opret forløb",
    "Open forløb", "Redigér plan", "Edit plan", "Overdrag tovholderrollen",
    "Hand over tovholder", "Afslut forløb", "Close forløb", "Registrér involvering",
    "Register involvement",
}
CONSENT = {
    "Registrér samtykke", "Record consent", "Tilbagekald samtykke", "Withdraw consent",
    "Besvar samtykke", "Answer consent",
}
HANDOVER = {
    "Mine enheders overleveringer", "Handovers of my units", "Forbered en overlevering",
    "Prepare a handover", "Læs en overlevering", "Read a handover", "Send en overlevering",
    "Send a handover", "Udskriv en overlevering", "Print a handover", "Redigér en overlevering",
    "Edit a handover", "Bed om samtykke til en overlevering", "Ask for consent to a handover",
    "Kvittér for en overlevering", "Acknowledge a handover",
}


def let_earlier_day_to_day_looks_through(apps, schema_editor):
    AccessLogEntry = apps.get_model("audit", "AccessLogEntry")
    earlier = (
        AccessLogEntry.objects.filter(
            child_id__isnull=False,
            guardian_visible_from__isnull=True,
            topic="internal",
            basis__in=["enrolment", "consent"],
            object_type__in=["cases.child", "cases.consent", "cases.handover"],
        )
        .exclude(actor__staff_profile__roles__overlap=SOCIAL_WORK_ROLES)
    )
    for topic, purposes in (
        ("daily_care", DAILY_CARE),
        ("consent", CONSENT),
        ("handover", HANDOVER),
    ):
        earlier.filter(purpose__in=purposes).update(topic=topic, guardian_visible_from=F("at"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_topic_and_guardian_visibility"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(let_earlier_day_to_day_looks_through, migrations.RunPython.noop),
    ]
