"""Working days (hverdage) for the statutory receipt clock: Monday to Friday, without

- the Danish public holidays (the `holidays` package: Easter, Whitsun, Christmas, and Store
  Bededag until it was abolished in 2024),
- the days every Danish municipality's offices close although they are not public holidays:
  Grundlovsdag (5 June), Christmas Eve (24 December) and New Year's Eve (31 December),
- and the closing days a municipality adds in the admin (trivsel.organisation.ClosedDay).

The day of receipt itself never counts."""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from trivsel.organisation.models import ClosedDay

# (month, day): closed in every municipality, though not public holidays.
OFFICES_CLOSED = ((6, 5), (12, 24), (12, 31))


@lru_cache(maxsize=64)
def _danish_holidays(year):
    return frozenset(holidays.Denmark(years=year)) | {date(year, m, d) for m, d in OFFICES_CLOSED}


def is_working_day(day: date, closed=frozenset()) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year) and day not in closed


def add_working_days(start: date, days: int, closed=frozenset()) -> date:
    """The day that is `days` working days after `start` (the start day itself never counts, so
    a notification received on a Saturday has its first working day on Monday). `closed`: the
    municipality's own closing days (closed_days_of)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, closed):
            days -= 1
    return day


def closed_days_of(municipality_id, start: date):
    """The municipality's own closing days from `start` on: one query."""
    return frozenset(
        ClosedDay.objects.filter(municipality_id=municipality_id, day__gte=start).values_list(
            "day", flat=True
        )
    )
