from datetime import date

import pytest

from referrals.workdays import add_working_days, is_working_day


def test_it_skips_easter_2026():
    # Wed 1 April; Maundy Thursday, Good Friday and Easter Monday are holidays.
    assert add_working_days(date(2026, 4, 1), 6) == date(2026, 4, 14)


def test_it_skips_christmas_and_new_year_with_the_days_the_offices_close():
    # 24 and 31 December close the offices though they are not public holidays; 25 December
    # and 1 January are holidays; and the weekends.
    assert add_working_days(date(2026, 12, 23), 6) == date(2027, 1, 6)


def test_grundlovsdag_is_not_a_working_day():
    # Friday 5 June 2026.
    assert not is_working_day(date(2026, 6, 5))
    assert add_working_days(date(2026, 6, 4), 1) == date(2026, 6, 8)


def test_a_closing_day_of_the_municipality_is_not_a_working_day():
    closed = frozenset({date(2026, 11, 23)})
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 20), 1, closed) == date(2026, 11, 24)


def test_it_skips_christmas_on_a_weekday_year():
    # 2025: 25 and 26 December are Thursday and Friday.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)


def test_it_starts_counting_after_a_weekend_receipt():
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_it_knows_store_bededag_is_abolished():
    # Store Bededag (4th Friday after Easter) is a working day from 2024.
    assert is_working_day(date(2024, 4, 26))
    assert not is_working_day(date(2023, 5, 5))


def test_it_counts_whitsun_and_ascension():
    # Wed 13 May 2026 → Ascension Thursday 14 May, Whit Monday 25 May.
    assert add_working_days(date(2026, 5, 13), 6) == date(2026, 5, 22)
    assert add_working_days(date(2026, 5, 22), 1) == date(2026, 5, 26)


def test_zero_days_is_the_day_itself_and_negative_is_refused():
    assert add_working_days(date(2026, 4, 3), 0) == date(2026, 4, 3)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 4, 3), -1)
