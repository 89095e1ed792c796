from django.utils.translation import gettext as _

from trivsel.audit.models import Action, Basis
from trivsel.audit.services import access_log_record, refuse
from trivsel.organisation.selectors import may_see_data_protection

from .models import RetentionRun
from .registry import rules_for
from .services import retention_preview


def may_see_retention_report(user):
    """Who reads the retention report of their municipality: whoever sees its data-protection
    pages (the administrators and the data-protection officer)."""
    return may_see_data_protection(user)


def retention_report_for(user, *, now=None):
    """The dry run and the last runs of the user's municipality, or a logged 404."""
    if not may_see_retention_report(user):
        refuse(actor=user, what="retention.report", pk="", purpose=_("Retention report"))
    rows, held = retention_preview(municipality_id=user.municipality_id, now=now)
    runs = RetentionRun.objects.filter(municipality_id=user.municipality_id)[:10]
    access_log_record(
        actor=user,
        action=Action.READ,
        basis=Basis.ADMINISTRATION,
        purpose=_("Retention report"),
    )
    return {"rows": rows, "held": held, "runs": runs}


def retention_periods_for_guardians(municipality_id):
    """Each kind of information and how long the municipality keeps it, in the words a guardian
    reads on the child's page."""
    return rules_for(municipality_id)
