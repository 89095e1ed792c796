"""gunicorn's settings for Trivsel+: `gunicorn -c python:trivsel.gunicorn_conf …`
(docker-compose.yml's web service).

gunicorn writes its own error and access logs, not through Django's LOGGING: the access log
holds every request line with its query string, and the error log a failing request's path
and traceback, so both get the CPR mask Django's log has.
"""

from gunicorn.glogging import Logger

from trivsel.audit.logging import MaskCprFilter


class CprMaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        # On the loggers, not the handlers: it then holds for whatever handlers the options add
        # (a file, syslog, a logconfig) and for a reload, which replaces the handlers.
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskCprFilter) for f in log.filters):
                log.addFilter(MaskCprFilter())


logger_class = CprMaskingLogger
