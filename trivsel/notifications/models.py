from django.db import models
from django.utils.translation import gettext_lazy as _


class JobHeartbeat(models.Model):
    """The last run of each periodic job, so the health page can tell whether beat and a worker
    are alive."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("job heartbeat")
        verbose_name_plural = _("job heartbeats")

    def __str__(self):
        return self.name
