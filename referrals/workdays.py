"""Working days (hverdage) for the statutory receipt clock: Monday to Friday, Danish public
holidays excluded (the `holidays` package knows Easter, Whitsun, Christmas and the abolished
Store Bededag)."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _danish_holidays(year):
    return frozenset(holidays.Denmark(years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day that is `days` working days after `start` (the start day itself never counts, so
    a notification received on a Saturday has its first working day on Monday)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
