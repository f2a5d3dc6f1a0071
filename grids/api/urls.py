from rest_framework.routers import SimpleRouter

from . import views

# Mounted under /api/v1/grids/ (``prefix``).
prefix = "grids/"

router = SimpleRouter()
router.register("profiles", views.GridProfileViewSet, basename="grids-profile")
router.register("workers", views.WorkerViewSet, basename="grids-worker")
router.register("quotas", views.QuotaViewSet, basename="grids-quota")
router.register("pilots", views.PilotViewSet, basename="grids-pilot")
router.register("visits", views.VisitViewSet, basename="grids-visit")
router.register("incidents", views.IncidentViewSet, basename="grids-incident")
router.register("window", views.WindowRequestViewSet, basename="grids-window")
router.register("admissions", views.AdmissionViewSet, basename="grids-admission")
router.register("tasks", views.TaskViewSet, basename="grids-task")
router.register("certificates", views.CertificateViewSet, basename="grids-certificate")
router.register("service-items", views.ServiceItemViewSet, basename="grids-serviceitem")
router.register("work-items", views.WorkItemViewSet, basename="grids-workitem")
router.register("certificate-types", views.CertificateTypeViewSet, basename="grids-certificatetype")

urlpatterns = router.urls

from .assessments import AssessmentViewSet  # noqa: E402  (the register of assessments of communities)

router.register("assessments", AssessmentViewSet, basename="grids-assessment")
urlpatterns = router.urls
