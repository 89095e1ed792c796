"""The login lockout against password spraying, on top of django-axes.

axes counts failures per user name *and* address (AXES_FAILURE_LIMIT): a sprayer who tries a few
passwords for each of many names from one address, or one name from many addresses, never
reaches it. axes cannot give the address alone or the name alone a limit of its own: all its
lockout parameters share the one limit, and a successful login deletes every attempt row of the
parameters it counts, so one valid account of the sprayer's own would wipe the address's count.

So this handler also counts axes' failure log (AXES_ENABLE_ACCESS_FAILURE_LOG: one row per
failed login, in PostgreSQL, kept after a success) over a sliding window: at most
LOGIN_FAILURES_PER_ADDRESS failures from one address, whatever the names, and at most
LOGIN_FAILURES_PER_USERNAME failures for one name, whatever the addresses. Past either, every
login from that address or for that name is refused, the right password too, with axes' lockout
page: the same page whether or not the name belongs to anyone."""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone


def login_spraying_locked(*, ip_address, username):
    """True when the address or the user name has used up its failures in the window."""
    by_address = Q(ip_address=ip_address) if ip_address else Q(pk__in=[])
    by_name = Q(username=username) if username else Q(pk__in=[])
    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = AccessFailureLog.objects.filter(by_address | by_name, attempt_time__gte=since)
    counts = recent.aggregate(
        address=Count("pk", filter=by_address), name=Count("pk", filter=by_name)
    )
    return (
        counts["address"] >= settings.LOGIN_FAILURES_PER_ADDRESS
        or counts["name"] >= settings.LOGIN_FAILURES_PER_USERNAME
    )


def login_failures_prune(*, now=None):
    """Delete failed logins older than LOGIN_FAILURE_LOG_DAYS; returns how many went. They hold
    addresses and user names, and the lockout looks back minutes, not months."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.LOGIN_FAILURE_LOG_DAYS)
    deleted, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted


class SprayingLockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return login_spraying_locked(
            ip_address=getattr(request, "axes_ip_address", None),
            username=get_client_username(request, credentials),
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # axes records the failure (and its own per-name-and-address lock) first; the failure
        # just logged counts towards the address's and the name's limits.
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials):
            return
        username = get_client_username(request, credentials)
        if login_spraying_locked(ip_address=request.axes_ip_address, username=username):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )
