from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from trivsel.two_factor.rules import idp_second_factor

from .models import User

# The fixed password of the demo logins (README). It must never open anything outside the demo.
DEMO_PASSWORD = "demo"  # noqa: S105


class HeaderUserMixin:
    """Loads the signed-in user of each request together with the municipality and the staff
    profile, which every page's header shows: one query instead of three."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("municipality", "staff_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        # An account that has been deactivated is signed out at its next request.
        return user if user.is_active else None


class StaffModelBackend(HeaderUserMixin, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and not settings.DEMO_PASSWORD_ALLOWED:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class MunicipalOIDCBackend(HeaderUserMixin, OIDCAuthenticationBackend):
    """Signs in people the municipality has already set up, matched by their e-mail address."""

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        # Kept apart from the matching of users (filter_users_by_claims): the identity
        # provider's own second factor, read from the verified ID token, counts as ours
        # (trivsel.two_factor.signals reads the mark at login).
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user.idp_second_factor = idp_second_factor(payload)
        return user
