from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import connections
from django.db.models.expressions import RawSQL
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from trivsel.two_factor.rules import idp_second_factor

from .models import SOCIAL_WORK_UNIT_TYPES, User

# The fixed password of the demo logins (README). It must never open anything outside the demo.
DEMO_PASSWORD = "demo"  # noqa: S105


# The names of the user's units, in the order of Unit.Meta.ordering. Written out rather than as an
# ArraySubquery: compiling that subquery on every request cost more than the query it saves.
_UNIT_NAMES = RawSQL(  # noqa: S611 (no value goes into it)
    "ARRAY(SELECT u.name FROM organisation_unit u"
    " JOIN organisation_staffprofile_units su ON su.unit_id = u.id"
    " JOIN organisation_staffprofile sp ON sp.id = su.staffprofile_id"
    " WHERE sp.user_id = organisation_user.id ORDER BY u.name)",
    (),
)


# Whether the user works in a unit of the social-work side of their own municipality (with the
# roles: referrals.selectors.is_social_work, asked on every page of that side and on Mit
# overblik), read with the user instead of in a query of its own.
_IN_SOCIAL_WORK_UNIT = RawSQL(
    "EXISTS(SELECT 1 FROM organisation_unit u"
    " JOIN organisation_staffprofile_units su ON su.unit_id = u.id"
    " JOIN organisation_staffprofile sp ON sp.id = su.staffprofile_id"
    " WHERE sp.user_id = organisation_user.id"
    " AND u.municipality_id = organisation_user.municipality_id AND u.type = ANY(%s))",
    (sorted(SOCIAL_WORK_UNIT_TYPES),),
)


class HeaderUserMixin:
    """Loads the signed-in user of each request together with the municipality, the staff
    profile and the names of its units, which every page's header shows: one query instead of
    four (the names are read by trivsel.organisation.context_processors.current_staff)."""

    def get_user(self, user_id):
        try:
            # Prepared on the server: PostgreSQL took longer to plan this query (its joins and
            # subqueries) than to run it, on every request of every signed-in page.
            with connections[User.objects.db].preparing():
                user = (
                    User.objects.select_related("municipality", "staff_profile")
                    .annotate(
                        header_unit_names=_UNIT_NAMES, in_social_work_unit=_IN_SOCIAL_WORK_UNIT
                    )
                    .get(pk=user_id)
                )
        except User.DoesNotExist:
            return None
        # An account that has been deactivated is signed out at its next request.
        return user if user.is_active else None


class StaffModelBackend(HeaderUserMixin, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and not settings.DEMO_PASSWORD_ALLOWED:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _email_verified(claims):
    # A boolean by the standard; some providers send the string "true".
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


class MunicipalOIDCBackend(HeaderUserMixin, OIDCAuthenticationBackend):
    """Signs in people the municipality has already set up, matched by their e-mail address.

    The provider is the identity provider of one municipality (OIDC_MUNICIPALITY, its code): it
    vouches for its own staff, never for another municipality's, so only users of that
    municipality are matched. The address is a login only when the provider has verified that it
    belongs to the person: otherwise anyone who could register an address at the provider would
    sign in as the staff member with that address."""

    def verify_claims(self, claims):
        return bool(claims.get("email")) and _email_verified(claims)

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        municipality_code = getattr(settings, "OIDC_MUNICIPALITY", None)
        # Checked here as well as in verify_claims: this is the one place that picks the account.
        if not email or not municipality_code or not _email_verified(claims):
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            email__iexact=email, is_active=True, municipality__code=municipality_code
        )

    def create_user(self, claims):
        # Accounts are set up by the municipality with their roles and units; an account made
        # from a provider's claims would have neither. OIDC_CREATE_USER is False in the settings,
        # and this holds even if someone turned it on.
        raise SuspiciousOperation("OIDC never creates users")

    def get_or_create_user(self, access_token, id_token, payload):
        # Kept apart from the matching of users (filter_users_by_claims): the identity
        # provider's own second factor, read from the verified ID token, counts as ours
        # (trivsel.two_factor.signals reads the mark at login).
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user.idp_second_factor = idp_second_factor(payload)
        return user
