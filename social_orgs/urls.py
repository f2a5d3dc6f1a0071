from django.urls import path

from . import views

app_name = "social_orgs"

urlpatterns = [
    path("social-orgs/", views.OrganisationListView.as_view(), name="org-list"),
    path("social-orgs/new/", views.org_create, name="org-create"),
    path("social-orgs/<int:pk>/", views.OrganisationDetailView.as_view(), name="org-detail"),
    path("social-orgs/<int:pk>/<str:what>/", views.org_action, name="org-action"),
    path("social-orgs/lists/", views.ListingListView.as_view(), name="listing-list"),
    path("social-orgs/lists/<int:pk>/", views.ListingDetailView.as_view(), name="listing-detail"),
    path("social-orgs/lists/<int:pk>/<str:what>/", views.listing_action, name="listing-action"),
    path("public/social_orgs/", views.public_index, name="public-index"),
    path("public/social_orgs/directory/", views.public_directory, name="public-directory"),
    path("public/social_orgs/draws/<int:pk>/", views.public_draw, name="public-draw"),
    path("public/social_orgs/<str:list_type>/", views.public_list, name="public-list"),
]
