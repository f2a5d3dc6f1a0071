from rest_framework.routers import SimpleRouter

from . import views

# Mounted under /api/v1/volunteers/ (``prefix``): resolving a request tries only this app's routes.
prefix = "volunteers/"

router = SimpleRouter()
router.register("volunteers", views.VolunteerViewSet, basename="volunteers-volunteer")
router.register("teams", views.TeamViewSet, basename="volunteers-team")
router.register("activities", views.ActivityViewSet, basename="volunteers-activity")
router.register("shifts", views.ShiftViewSet, basename="volunteers-shift")
router.register("hours", views.HourRecordViewSet, basename="volunteers-hours")
router.register("corrections", views.CorrectionViewSet, basename="volunteers-correction")
router.register("trainings", views.TrainingSessionViewSet, basename="volunteers-training")
router.register("social-workers", views.SocialWorkerViewSet, basename="volunteers-socialworker")
router.register("certificates", views.CertificateViewSet, basename="volunteers-certificate")
router.register("imports", views.ImportJobViewSet, basename="volunteers-import")

urlpatterns = router.urls
