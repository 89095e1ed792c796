import re

# Ten digits, optionally split 6-4, not part of a longer number: anything CPR-shaped is masked.
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")


def mask_cpr(text: str) -> str:
    """Replace every CPR-shaped number with its masked form DDMMYY-XXXX."""
    return CPR_PATTERN.sub(r"\1-XXXX", text)
