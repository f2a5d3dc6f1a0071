from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import AreaViewSet, AuditEventViewSet, FindingViewSet, ObtainTokenView

router = DefaultRouter()
router.register("areas", AreaViewSet, basename="area")
router.register("findings", FindingViewSet, basename="finding")
router.register("audit-events", AuditEventViewSet, basename="auditevent")

urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api-token"), *router.urls]
