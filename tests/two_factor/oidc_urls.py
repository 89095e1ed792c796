# The site's pages with the OIDC login switched on, as a deployment with OIDC_ENABLED has them.
from django.urls import include, path

from trivsel.urls import handler403, handler404, handler500  # noqa: F401
from trivsel.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]
