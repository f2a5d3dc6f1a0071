from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Apps of the work areas own their paths: ``<app>/urls.py`` (pages, under the app's own prefix,
# public pages under ``public/<app>/``) and ``<app>/api/urls.py`` (under /api/v1/).
DOMAIN_APPS = ["reports", "governance", "volunteers", "grids", "social_orgs", "child_care"]


def _optional(module):
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _api(app):
    """An app's API under its own ``prefix`` (``<app>/api/urls.py``), if it declares one: a request
    is then matched against that app's routes only, not against every app's before it."""
    module = import_module(f"{app}.api.urls")
    return path(getattr(module, "prefix", ""), include(module))


api_v1 = [path("", include("core.api.urls"))] + [_api(app) for app in DOMAIN_APPS if _optional(f"{app}.api.urls")]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    *[path("", include(f"{app}.urls")) for app in DOMAIN_APPS if _optional(f"{app}.urls")],
    path("", include("core.urls")),
]
