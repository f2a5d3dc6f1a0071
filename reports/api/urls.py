from rest_framework.routers import DefaultRouter

from .views import IndicatorValueViewSet, IndicatorViewSet, ReportRunViewSet

router = DefaultRouter()
# values/ and runs/ first: an indicator code may contain dots, so indicators/{code}/ matches widely.
router.register("indicators/values", IndicatorValueViewSet, basename="reports-value")
router.register("indicators/runs", ReportRunViewSet, basename="reports-run")
router.register("indicators", IndicatorViewSet, basename="reports-indicator")

urlpatterns = router.urls
