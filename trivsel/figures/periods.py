"""The periods a leader can choose on /tal/: the last four quarters, a quarter or a year.

Every period is made of whole quarters, so that every period's figures add up from the same
quarters' (suppression.py): a rolling twelve months beside calendar quarters would let the
difference of two overlapping periods single out a month or two that no table shows."""

from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .suppression import quarter_key
from .tables import Period

QUARTERS_SHOWN = 8
YEARS_SHOWN = 2


def _month_start(day, months_back=0):
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def periods_available(today=None):
    """The choices, newest first, the default (last twelve months) first of all."""
    today = today or timezone.localdate()
    this_month = _month_start(today)
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    choices = [
        Period(
            key="12m",
            label=_("This quarter and the three before"),
            start=_month_start(quarter_start, 9),
            end=_month_start(quarter_start, -3),
        )
    ]
    for back in range(QUARTERS_SHOWN):
        start = _month_start(quarter_start, 3 * back)
        quarter = (start.month - 1) // 3 + 1
        choices.append(
            Period(
                key=quarter_key(start),
                label=_("Quarter %(quarter)s %(year)s") % {"quarter": quarter, "year": start.year},
                start=start,
                end=_month_start(start, -3),
            )
        )
    for back in range(YEARS_SHOWN):
        year = this_month.year - back
        choices.append(
            Period(key=str(year), label=str(year), start=date(year, 1, 1), end=date(year + 1, 1, 1))
        )
    return choices


def period_by_key(key, today=None):
    choices = periods_available(today)
    return next((period for period in choices if period.key == key), choices[0])


def months_of(period):
    """The first day of each month of the period, oldest first."""
    months, month = [], period.start
    while month < period.end:
        months.append(month)
        month = _month_start(month, -1)
    return months


def month_label(month):
    return date_format(month, "F Y")
