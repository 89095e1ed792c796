import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from trivsel.audit.models import Action
from trivsel.pdf import html_to_pdf

from .forms import FigureFilterForm
from .presentation import shown_tables
from .selectors import figures_for


def _filtered(request):
    """The place and period asked for. A place outside the person's scope (another unit,
    another municipality) is not quietly replaced by the default: figures_for refuses it with
    a logged 404, as it refuses anyone who sees no figures."""
    return request.GET.get("sted", "")[:60], request.GET.get("periode", "")[:20]


@login_required
def figures(request):
    """/tal/: the leader's figures; the filter swaps the figures in place (htmx)."""
    place, period_key = _filtered(request)
    scope, period, sections = figures_for(
        request.user, place=place, period_key=period_key, purpose=_("Figures")
    )
    context = {
        "refreshed_at": scope.refreshed_at,
        "form": FigureFilterForm(request.GET or None, user=request.user),
        "scope": scope,
        "period": period,
        "sections": shown_tables(sections),
        "query": request.GET.urlencode(),
    }
    template = "figures/figures.html"
    if request.htmx and not request.htmx.boosted:
        template += "#figures"
    return render(request, template, context)


@login_required
def figures_csv(request, section, table):
    """One table as CSV, suppressed exactly as on the page."""
    place, period_key = _filtered(request)
    scope, period, sections = figures_for(
        request.user,
        place=place,
        period_key=period_key,
        purpose=_("Figures: CSV export"),
        action=Action.EXPORT,
    )
    for shown_section in shown_tables(sections):
        for shown in shown_section["tables"]:
            if shown_section["key"] == section and shown["table"].key == table:
                return _csv_response(shown, scope=scope, period=period)
    raise Http404


@login_required
def figures_pdf(request):
    """The figures of the chosen place and period as a tagged PDF (PDF/UA-1): the quarterly
    report, or any other period's; the same tables, suppressed the same way, as the page."""
    place, period_key = _filtered(request)
    scope, period, sections = figures_for(
        request.user,
        place=place,
        period_key=period_key,
        purpose=_("Figures: PDF report"),
        action=Action.EXPORT,
    )
    with translation.override("da"):
        html = render_to_string(
            "figures/report_pdf.html",
            {
                "scope": scope,
                "period": period,
                "sections": shown_tables(sections),
                "municipality_name": request.user.municipality.name,
                "minimum": settings.FIGURES_MINIMUM_COUNT,
                "printed": timezone.localtime(),
            },
        )
        pdf, _pages = html_to_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"tal {scope.label} {period.key}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _csv_response(shown, *, scope, period):
    table = shown["table"]
    name = slugify(f"{table.key} {scope.label} {period.key}") or table.key
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # Excel reads the Danish letters right only with the BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow([table.caption])
    writer.writerow([f"{scope.label} · {period.label}"])
    writer.writerow(shown["header"])
    for row in shown["body"]:
        writer.writerow(row)
    if shown["footer"]:
        writer.writerow(shown["footer"])
    return response
