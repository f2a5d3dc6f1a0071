from rest_framework.routers import DefaultRouter

from . import views

# Mounted under /api/v1/governance/ (``prefix``): resolving a request tries only this app's routes.
prefix = "governance/"

router = DefaultRouter()
router.register("matters", views.MatterViewSet, basename="governance-matter")
router.register("meetings", views.MeetingViewSet, basename="governance-meeting")
router.register("ballots", views.BallotViewSet, basename="governance-ballot")
router.register("publications", views.PublicationViewSet, basename="governance-publication")
router.register("projects", views.ProjectViewSet, basename="governance-project")
router.register("tasks", views.TaskViewSet, basename="governance-task")
router.register("evaluation-rounds", views.EvaluationRoundViewSet, basename="governance-evaluationround")
router.register("objections", views.ObjectionViewSet, basename="governance-objection")
router.register("body-members", views.BodyMemberViewSet, basename="governance-bodymember")
router.register("points", views.PointsEntryViewSet, basename="governance-pointsentry")
router.register("disputes", views.DisputeViewSet, basename="governance-dispute")
router.register("cadre-reviews", views.CadreReviewViewSet, basename="governance-cadrereview")
router.register("community-settings", views.CommunitySettingViewSet,
                basename="governance-communitysetting")
router.register("categories", views.CategoryViewSet, basename="governance-category")
router.register("quorum-rules", views.QuorumRuleViewSet, basename="governance-quorumrule")

urlpatterns = router.urls
