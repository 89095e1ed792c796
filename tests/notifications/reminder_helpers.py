"""Shared set-up for the reminder tests: things that fall due, built the way the apps build them."""

from datetime import timedelta

from django.utils import timezone

from cases.models import Task
from trivsel.notifications.models import Notification


def task(world, *, owner=None, days=0, title="Ring til Almas mor om sprogvurderingen"):
    return Task.objects.create(
        child=world.child,
        owner=owner or world.paedagog,
        title=title,
        due_date=timezone.localdate() + timedelta(days=days),
    )


def notified(user, kind=None):
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(kind=kind) if kind else rows
