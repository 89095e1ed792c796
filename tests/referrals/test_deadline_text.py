"""The words of a notification's clock ("frist om 3 timer", "overskredet siden 2 dage") are
Django's timesince with one unit, for every span a clock can show: the queue and Mit overblik make
them without translating them again for each line, and must not say anything else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation
from django.utils.timesince import timesince, timeuntil

from referrals.selectors import deadline_text

# The night summer time begins in Denmark, the end of a long month, a leap day.
NOWS = (
    datetime(2027, 3, 28, 0, 30, 15, 250_000, tzinfo=UTC),
    datetime(2027, 1, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2028, 2, 29, 12, 0, tzinfo=UTC),
)
SPANS = [
    timedelta(seconds=s)
    for s in (0, 1, 59, 60, 61, 3599, 3600, 3601, 86399, 86400, 86401, 604799, 604800)
] + [
    timedelta(days=d, hours=h, minutes=m, microseconds=us)
    for d in (0, 1, 2, 6, 7, 13, 14, 20, 27, 28, 29, 30, 31, 45, 59, 61, 120, 364, 365, 400)
    for h, m, us in ((0, 0, 0), (5, 59, 999_999), (23, 59, 0))
]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_clocks_words_are_djangos_timesince_with_one_unit(language):
    with translation.override(language):
        for now, span in ((now, span) for now in NOWS for span in SPANS):
            due_later, due_earlier = now + span, now - span
            until = translation.gettext("due in %(time)s") % {
                "time": timeuntil(due_later, now, depth=1)
            }
            since = translation.gettext("overdue since %(time)s") % {
                "time": timesince(due_earlier, now, depth=1)
            }
            late = translation.gettext("done late (%(time)s after the deadline)") % {
                "time": timesince(due_earlier, now, depth=1)
            }
            if span:
                assert deadline_text(due_later, now=now) == until, (now, span)
                assert deadline_text(due_earlier, now=now) == since, (now, span)
                assert deadline_text(due_earlier, done_at=now) == late, (now, span)


def test_danish_words_by_default():
    with translation.override("da"):
        now = NOWS[0]
        assert deadline_text(now + timedelta(hours=3, minutes=5), now=now) == "frist om 3\xa0timer"
        assert deadline_text(now - timedelta(days=40), now=now) == "overskredet siden 1\xa0måned"
