from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .rules import DONE, STATE_SESSION_KEY, VIA_SESSION_KEY
from .selectors import second_step_for


@receiver(user_logged_in, dispatch_uid="two_factor_second_step")
def second_step_at_login(sender, request, user, **kwargs):
    """Decides once, at login, what the session must do before it reaches any page, so the
    middleware reads it from the session instead of asking the database on every request."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(VIA_SESSION_KEY, None)
    # MunicipalOIDCBackend marks a user whose identity provider used a second factor.
    if getattr(user, "idp_second_factor", False):
        session[STATE_SESSION_KEY] = DONE
        session[VIA_SESSION_KEY] = "idp"
    else:
        session[STATE_SESSION_KEY] = second_step_for(user)
