from django.urls import path

from . import pages, views

app_name = "governance"

urlpatterns = [
    path("governance/matters/", views.MatterListView.as_view(), name="matter-list"),
    path("governance/matters/new/", views.matter_create, name="matter-create"),
    path("governance/matters/<int:pk>/", views.MatterDetailView.as_view(), name="matter-detail"),
    path("governance/matters/<int:pk>/pdf/", views.case_file_pdf, name="matter-pdf"),
    path("governance/matters/<int:pk>/<str:action>/", views.matter_action, name="matter-action"),
    path("governance/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("governance/meetings/<int:pk>/<str:action>/", views.meeting_action, name="meeting-action"),
    path("governance/attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("governance/publications/<int:pk>/photo/", views.publication_photo, name="publication-photo"),
    path("governance/disputes/", views.DisputeListView.as_view(), name="dispute-list"),
    path("governance/disputes/new/", views.dispute_create, name="dispute-create"),
    path("governance/disputes/<int:pk>/", views.DisputeDetailView.as_view(), name="dispute-detail"),
    path("governance/disputes/<int:pk>/resolve/", views.DisputeResolveView.as_view(), name="dispute-resolve"),
    path("governance/disputes/<int:pk>/reopen/", views.DisputeReopenView.as_view(), name="dispute-reopen"),
    path("public/governance/", views.public_index, name="public-index"),
    path("public/governance/<str:code>/", views.public_matters, name="public-list"),
    path("public/governance/<str:code>/<str:ref>/", views.public_matter, name="public-matter"),
]
urlpatterns += pages.urlpatterns  # the bodies' records: cadre reviews, points, rosters, settings, supervision
