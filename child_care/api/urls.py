from rest_framework.routers import SimpleRouter

from . import views

# Mounted under /api/v1/child-care/ (``prefix``).
prefix = "child-care/"

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="child_care-person")
router.register("categories", views.CategoryRecordViewSet, basename="child_care-category")
router.register("proposals", views.ProposalViewSet, basename="child_care-proposal")
router.register("visits", views.VisitViewSet, basename="child_care-visit")

urlpatterns = router.urls
