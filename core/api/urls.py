from django.urls import path
from rest_framework.routers import DefaultRouter

from ..imports.api import ImporterViewSet, StagedImportViewSet
from .views import AreaViewSet, AuditEventViewSet, FindingViewSet, ObtainTokenView

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("findings", FindingViewSet, basename="finding")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("imports/importers", ImporterViewSet, basename="importer")  # core.imports: any app's importer
router.register("imports/jobs", StagedImportViewSet, basename="stagedimport")

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api-token"), *router.urls]
