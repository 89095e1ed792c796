from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from trivsel import views
from trivsel.notifications import views as notification_views

admin.site.site_header = _("Trivsel+ administration")
admin.site.site_title = _("Trivsel+ administration")
admin.site.index_title = _("Municipality set-up")

auth_patterns = [
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("nulstil-adgangskode/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "nulstil-adgangskode/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "nulstil-adgangskode/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "nulstil-adgangskode/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("cases.urls_home")),
    *auth_patterns,
    path("", include("trivsel.two_factor.urls")),
    path("sprog/", include("django.conf.urls.i18n")),
    path("adgangslog/", include("trivsel.audit.urls")),
    path("", include("cases.urls")),
    path("trivsel/", include("screening.urls")),
    path("moeder/", include("meetings.urls")),
    path("", include("referrals.urls")),
    path("drift/", notification_views.health, name="health"),
    path("notifikationer/", include("trivsel.notifications.urls")),
    path("tal/", include("trivsel.figures.urls")),
    path("opbevaring/", include("trivsel.retention.urls")),
    path("admin/", admin.site.urls),
    # Staff provisioned by the municipality's identity provider (SCIM 2.0, README "Import").
    path("scim/v2/", include("trivsel.organisation.scim_urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler404 = "trivsel.views.page_not_found"
handler500 = "trivsel.views.server_error"
handler403 = "trivsel.views.permission_denied"
