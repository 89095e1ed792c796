import logging

from .cpr import mask_cpr


class MaskCprFilter(logging.Filter):
    """Keeps CPR numbers out of every log line, whatever code wrote the message."""

    def filter(self, record):
        record.msg = mask_cpr(record.getMessage())
        record.args = None
        return True
