import re

from django.utils.translation import gettext_noop

# The purpose a "Vis CPR" look is logged with (cases' child_cpr view), in the language of the
# request: the log review's alerts count these (trivsel.audit.patterns).
CPR_REVEAL_PURPOSE = gettext_noop("Show CPR number")

# Ten digits, optionally split 6-4, not part of a longer number: anything CPR-shaped is masked.
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")


def mask_cpr(text: str) -> str:
    """Replace every CPR-shaped number with its masked form DDMMYY-XXXX."""
    return CPR_PATTERN.sub(r"\1-XXXX", text)
