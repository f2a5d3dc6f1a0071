from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("volunteers/volunteers", views.VolunteerViewSet, basename="volunteers-volunteer")
router.register("volunteers/teams", views.TeamViewSet, basename="volunteers-team")
router.register("volunteers/activities", views.ActivityViewSet, basename="volunteers-activity")
router.register("volunteers/shifts", views.ShiftViewSet, basename="volunteers-shift")
router.register("volunteers/hours", views.HourRecordViewSet, basename="volunteers-hours")
router.register("volunteers/corrections", views.CorrectionViewSet, basename="volunteers-correction")
router.register("volunteers/trainings", views.TrainingSessionViewSet, basename="volunteers-training")
router.register("volunteers/social-workers", views.SocialWorkerViewSet, basename="volunteers-socialworker")
router.register("volunteers/certificates", views.CertificateViewSet, basename="volunteers-certificate")


router.register("volunteers/imports", views.ImportJobViewSet, basename="volunteers-import")
urlpatterns = router.urls
