"""Who must use a second factor, and what counts as one (DOMAIN.md §5: two-factor login for
internet-facing access)."""

from django.conf import settings

# Where a signed-in session stands with its second factor, kept in the session so a page pays no
# query for it: VERIFY until the user has typed a code, ENROL until a user who must have a
# second factor has set one up, DONE when nothing more is asked.
STATE_SESSION_KEY = "_two_factor"
VERIFY, ENROL, DONE = "verify", "enrol", "done"
# How the session's second factor was given: "idp" when the identity provider vouched for it.
VIA_SESSION_KEY = "_two_factor_via"


def two_factor_required(user):
    """Administrators and the roles of TWO_FACTOR_REQUIRED_ROLES (the social-work side by
    default), when the deployment requires it; everyone else may choose."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_staff or user.is_superuser:
        return True
    profile = user.staff_profile_or_none
    return profile is not None and profile.has_role(*settings.TWO_FACTOR_REQUIRED_ROLES)


def idp_second_factor(claims):
    """Whether an OIDC identity provider says the login used a second factor: an `amr` method
    (RFC 8176) or an `acr` level of assurance that the settings accept."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.TWO_FACTOR_OIDC_AMR):
        return True
    return claims.get("acr") in settings.TWO_FACTOR_OIDC_ACR
