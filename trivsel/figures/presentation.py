"""Tables as they are shown: suppressed, every hidden count marked the same way, and the same
rows for the page, the chart, the CSV and the PDF, so none of them can show more than the others.

One mark for every hidden count, not "<5": a count hidden only so that a small one cannot be
worked out (30 beside a hidden 2, say) is not below five, and a different mark for it would tell
which of the hidden counts is the small one."""

from django.utils.translation import gettext as _


def hidden_text():
    return _("hidden")


def _cell(value, _minimum=None):
    return hidden_text() if value is None else value


def _share(value):
    return "" if value is None else f"{value} %"


def shown_table(table):
    shown = table.suppressed()
    many_columns = len(table.columns) > 1
    header = [table.row_heading, *table.columns]
    if many_columns:
        header.append(_("Total"))
    if table.share_of is not None:
        header.append(table.share_label)
    body = []
    for label, cells, total, share in shown["rows"]:
        row = [label, *(_cell(value, table.minimum) for value in cells)]
        if many_columns:
            row.append(_cell(total, table.minimum))
        if table.share_of is not None:
            row.append(_share(share))
        body.append(row)
    footer = []
    if len(shown["rows"]) > 1:
        footer = [_("Total"), *(_cell(value, table.minimum) for value in shown["totals"])]
        if many_columns:
            footer.append(_cell(shown["total"], table.minimum))
        if table.share_of is not None:
            footer.append(_share(shown["total_share"]))
    chart = {
        "kind": table.chart,
        "palette": table.palette,
        "labels": [str(label) for label, *_rest in shown["rows"]],
        "series": [
            {"label": str(column), "values": [cells[index] for _l, cells, _t, _s in shown["rows"]]}
            for index, column in enumerate(table.columns)
        ],
    }
    # A chart of nothing but gaps says nothing: when every count is hidden or zero, the table
    # alone says so.
    anything_shown = any(value for _l, cells, _t, _s in shown["rows"] for value in cells)
    return {
        "table": table,
        "all_hidden": bool(shown["rows"]) and not anything_shown,
        # The page's rows: (the row's link to a list the viewer may open anyway, or "", row).
        "page_rows": [(table.row_links.get(row[0], ""), row) for row in body],
        "header": header,
        "body": body,
        "footer": footer,
        "chart": chart if table.chart != "none" and anything_shown else None,
        "empty": not shown["rows"],
    }


def shown_tables(sections):
    return [
        {
            "key": section.key,
            "heading": section.heading,
            "intro": section.intro,
            "tables": [shown_table(table) for table in section.tables],
        }
        for section in sections
    ]
