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


def mask_cpr_on(logger):
    """Put the mask on every handler of `logger` that lacks it.

    For the processes whose logging Django's LOGGING does not set up: Celery's worker replaces
    the root logger's handlers with its own, and gunicorn writes its error and access logs
    through handlers of its own. A filter on a handler sees every record the handler writes,
    also those propagated from child loggers (a task's logger, celery.app.trace).
    """
    for handler in logger.handlers:
        if not any(isinstance(f, MaskCprFilter) for f in handler.filters):
            handler.addFilter(MaskCprFilter())
