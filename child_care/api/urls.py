from rest_framework.routers import SimpleRouter

from . import views

# Mounted under /api/v1/child-care/ (``prefix``).
prefix = "child-care/"

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="child_care-person")
router.register("categories", views.CategoryRecordViewSet, basename="child_care-category")
router.register("proposals", views.ProposalViewSet, basename="child_care-proposal")
router.register("visits", views.VisitViewSet, basename="child_care-visit")
router.register("rosters", views.RosterImportViewSet, basename="child_care-roster")
router.register("roster-entries", views.RosterEntryViewSet, basename="child_care-rosterentry")
router.register("rescues", views.RescueCaseViewSet, basename="child_care-rescue")
router.register("follow-ups", views.FollowUpViewSet, basename="child_care-followup")
router.register("consents", views.ConsentViewSet, basename="child_care-consent")
router.register("guidance", views.GuidanceViewSet, basename="child_care-guidance")
router.register("outreach", views.OutreachViewSet, basename="child_care-outreach")
router.register("trainings", views.TrainingViewSet, basename="child_care-training")

urlpatterns = router.urls
