from django.urls import path

from . import views

app_name = "social_orgs"

urlpatterns = [
    path("social-orgs/", views.OrganisationListView.as_view(), name="org-list"),
    path("social-orgs/new/", views.OrganisationCreateView.as_view(), name="org-create"),
    path("social-orgs/<int:pk>/", views.OrganisationDetailView.as_view(), name="org-detail"),
    path("social-orgs/<int:pk>/<str:what>/", views.OrganisationStepView.as_view(), name="org-action"),
    path("social-orgs/lists/", views.ListingListView.as_view(), name="listing-list"),
    path("social-orgs/lists/<int:pk>/", views.ListingDetailView.as_view(), name="listing-detail"),
    path("social-orgs/lists/<int:pk>/<str:what>/", views.ListingStepView.as_view(), name="listing-action"),
    path("social-orgs/plans/", views.PlanListView.as_view(), name="plan-list"),
    path("social-orgs/plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("social-orgs/plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("social-orgs/plans/<int:pk>/draw/", views.PlanDrawView.as_view(), name="plan-draw"),
    path("social-orgs/plans/<int:pk>/result/", views.PlanResultView.as_view(), name="plan-result"),
    path("social-orgs/inspections/", views.InspectionListView.as_view(), name="inspection-list"),
    path("social-orgs/venture/", views.VentureListView.as_view(), name="venture-list"),
    path("social-orgs/venture/new/", views.VentureCreateView.as_view(), name="venture-create"),
    path("social-orgs/venture/<int:pk>/", views.VentureDetailView.as_view(), name="venture-detail"),
    path("social-orgs/venture/<int:pk>/<str:what>/", views.VentureStepView.as_view(), name="venture-step"),
    path("social-orgs/fees/", views.FeeInspectionListView.as_view(), name="fee-list"),
    path("social-orgs/fees/new/", views.FeeInspectionCreateView.as_view(), name="fee-create"),
    path("social-orgs/fees/<int:pk>/", views.FeeInspectionDetailView.as_view(), name="fee-detail"),
    path("social-orgs/fees/<int:pk>/edit/", views.FeeInspectionUpdateView.as_view(), name="fee-update"),
    path("social-orgs/lottery/", views.LotteryFundListView.as_view(), name="lottery-list"),
    path("social-orgs/lottery/new/", views.LotteryFundCreateView.as_view(), name="lottery-create"),
    path("social-orgs/lottery/<int:pk>/", views.LotteryFundDetailView.as_view(), name="lottery-detail"),
    path("social-orgs/lottery/<int:pk>/edit/", views.LotteryFundUpdateView.as_view(), name="lottery-update"),
    path("social-orgs/lottery/<int:pk>/allocate/", views.LotteryAllocateView.as_view(), name="lottery-allocate"),
    path("social-orgs/centres/", views.CentreListView.as_view(), name="centre-list"),
    path("social-orgs/centres/new/", views.CentreCreateView.as_view(), name="centre-create"),
    path("social-orgs/centres/<int:pk>/", views.CentreDetailView.as_view(), name="centre-detail"),
    path("social-orgs/centres/<int:pk>/edit/", views.CentreUpdateView.as_view(), name="centre-update"),
    path("social-orgs/centres/<int:pk>/admit/", views.CentreAdmitView.as_view(), name="centre-admit"),
    path("social-orgs/incubations/<int:pk>/end/", views.IncubationEndView.as_view(), name="incubation-end"),
    path("public/social_orgs/", views.public_index, name="public-index"),
    path("public/social_orgs/directory/", views.public_directory, name="public-directory"),
    path("public/social_orgs/draws/<int:pk>/", views.public_draw, name="public-draw"),
    path("public/social_orgs/<str:list_type>/", views.public_list, name="public-list"),
]
