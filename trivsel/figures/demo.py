"""The demo's figures are counted at once, so /tal/ has them before the job's first run."""

from trivsel.organisation.models import Municipality

from .counting import figures_count


def seed(context):
    stored = sum(
        figures_count(municipality_id=pk)
        for pk in Municipality.objects.values_list("pk", flat=True)
    )
    context["summary"]["figure counts"] = stored
