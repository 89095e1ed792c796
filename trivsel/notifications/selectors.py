from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from trivsel.audit.services import get_or_refuse
from trivsel.extension_points import ExtensionPoint

from .models import JobHeartbeat, Notification, NotificationPreference

# Sections the apps add to the operations page (/drift/), e.g. the imports of cases: each is
# called with the user and returns {"heading": …, "template": …, **its context}, or None.
operations_sections = ExtensionPoint("operations page sections")


def system_health(user=None):
    """What the health page shows: the database, Redis, the periodic jobs and the apps'
    sections."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        database_ok = cursor.fetchone() == (1,)
    try:
        cache.set("health-probe", "ok", 10)
        redis_ok = cache.get("health-probe") == "ok"
    except Exception:  # noqa: BLE001 — an unreachable Redis is exactly what this page reports
        redis_ok = False
    # A job is late when it missed more than two of its beats.
    interval = settings.CELERY_BEAT_SCHEDULE["heartbeat"]["schedule"]
    stale_before = timezone.now() - timedelta(seconds=interval * 3)
    jobs = [
        {"job": job, "late": job.last_run_at < stale_before}
        for job in JobHeartbeat.objects.order_by("name")
    ]
    sections = [s for s in operations_sections.call_each(user) if s] if user else []
    return {"database_ok": database_ok, "redis_ok": redis_ok, "jobs": jobs, "sections": sections}


def notification_list_for(user):
    """The user's own notifications, newest first. Nobody sees another's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_get_for(user, pk):
    return get_or_refuse(notification_list_for(user), pk, actor=user)


def unread_count_for(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def daily_digest_for(user):
    preference = NotificationPreference.objects.filter(user=user).first()
    return bool(preference and preference.daily_digest)
