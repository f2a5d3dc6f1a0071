from django.urls import path

from . import views

app_name = "grids"

urlpatterns = [
    path("grids/", views.ProfileListView.as_view(), name="profile-list"),
    path("grids/<int:pk>/", views.ProfileDetailView.as_view(), name="profile-detail"),
    path("grids/workers/", views.WorkerListView.as_view(), name="worker-list"),
    path("grids/workers/<int:pk>/", views.WorkerDetailView.as_view(), name="worker-detail"),
    path("grids/quotas/", views.QuotaListView.as_view(), name="quota-list"),
    path("grids/incidents/", views.IncidentListView.as_view(), name="incident-list"),
    path("grids/incidents/new/", views.incident_create, name="incident-create"),
    path("grids/incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path("grids/incidents/<int:pk>/photo/", views.incident_photo, name="incident-photo"),
    path("grids/incidents/<int:pk>/<str:action>/", views.incident_action, name="incident-action"),
    path("grids/plans/<int:pk>/visit/", views.visit_create, name="visit-create"),
    path("grids/visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("grids/visits/<int:pk>/photo/", views.visit_photo, name="visit-photo"),
    path("public/grids/<str:code>/", views.public_board, name="public-board"),
]
