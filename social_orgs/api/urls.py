from rest_framework.routers import SimpleRouter

from . import views

# Mounted under /api/v1/social-orgs/ (``prefix``): resolving a request tries only this app's routes.
prefix = "social-orgs/"

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="social_orgs-organisation")
router.register("listings", views.ListingViewSet, basename="social_orgs-listing")
router.register("reports", views.AnnualReportViewSet, basename="social_orgs-report")
router.register("community-orgs", views.CommunityOrgViewSet, basename="social_orgs-communityorg")

router.register("plans", views.InspectionPlanViewSet, basename="social_orgs-plan")
router.register("fee-inspections", views.FeeInspectionViewSet, basename="social_orgs-feeinspection")
router.register("lottery-funds", views.LotteryFundViewSet, basename="social_orgs-lotteryfund")
router.register("lottery-allocations", views.LotteryAllocationViewSet, basename="social_orgs-lotteryallocation")
router.register("incubation-centres", views.IncubationCentreViewSet, basename="social_orgs-centre")
router.register("incubations", views.IncubationViewSet, basename="social_orgs-incubation")

urlpatterns = router.urls
