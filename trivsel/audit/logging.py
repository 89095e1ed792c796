import logging

from .cpr import mask_cpr


class MaskCprFilter(logging.Filter):
    """Keeps CPR numbers out of every log line, whatever code wrote the message."""

    def filter(self, record):
        record.msg = mask_cpr(record.getMessage())
        record.args = None
        if record.exc_info:
            # A database error's DETAIL can quote the number; the traceback is masked too.
            record.exc_text = mask_cpr(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
