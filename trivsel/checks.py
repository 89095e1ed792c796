"""Start-up checks that fail loudly instead of running an unsafe configuration."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from trivsel.organisation.backends import DEMO_PASSWORD
from trivsel.organisation.demo_logins import DEMO_USERNAMES


def users_with_demo_password():
    from django.contrib.auth import get_user_model

    # Only the fixed demo logins are checked: hashing every user's password would be slow.
    candidates = get_user_model().objects.filter(username__in=DEMO_USERNAMES, is_active=True)
    return [user.username for user in candidates if user.check_password(DEMO_PASSWORD)]


def refuse_demo_passwords():
    if settings.DEMO_PASSWORD_ALLOWED:
        return
    try:
        found = users_with_demo_password()
    except DatabaseError:
        return  # not migrated yet: there are no users to refuse
    if found:
        raise ImproperlyConfigured(
            "Refusing to start: the demo password is set for "
            + ", ".join(sorted(found))
            + ". Change or deactivate these users, or run the demo (TRIVSEL_MODE=demo)."
        )


@register(Tags.security, deploy=True)
def demo_password_check(app_configs, **kwargs):
    try:
        refuse_demo_passwords()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="trivsel.E001")]
    return []
