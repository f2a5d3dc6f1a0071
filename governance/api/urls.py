from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("governance/matters", views.MatterViewSet, basename="governance-matter")
router.register("governance/meetings", views.MeetingViewSet, basename="governance-meeting")
router.register("governance/ballots", views.BallotViewSet, basename="governance-ballot")
router.register("governance/publications", views.PublicationViewSet, basename="governance-publication")
router.register("governance/projects", views.ProjectViewSet, basename="governance-project")
router.register("governance/tasks", views.TaskViewSet, basename="governance-task")
router.register("governance/evaluation-rounds", views.EvaluationRoundViewSet, basename="governance-evaluationround")
router.register("governance/objections", views.ObjectionViewSet, basename="governance-objection")
router.register("governance/body-members", views.BodyMemberViewSet, basename="governance-bodymember")
router.register("governance/points", views.PointsEntryViewSet, basename="governance-pointsentry")
router.register("governance/disputes", views.DisputeViewSet, basename="governance-dispute")

urlpatterns = router.urls
router.register("governance/cadre-reviews", views.CadreReviewViewSet, basename="governance-cadrereview")
router.register("governance/community-settings", views.CommunitySettingViewSet,
                basename="governance-communitysetting")
router.register("governance/categories", views.CategoryViewSet, basename="governance-category")
router.register("governance/quorum-rules", views.QuorumRuleViewSet, basename="governance-quorumrule")
urlpatterns = router.urls
