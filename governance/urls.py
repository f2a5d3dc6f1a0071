from django.urls import path

from . import pages, views

app_name = "governance"

urlpatterns = [
    path("governance/matters/", views.MatterListView.as_view(), name="matter-list"),
    path("governance/matters/new/", views.MatterCreateView.as_view(), name="matter-create"),
    path("governance/matters/<int:pk>/", views.MatterDetailView.as_view(), name="matter-detail"),
    path("governance/matters/<int:pk>/pdf/", views.CaseFilePdfView.as_view(), name="matter-pdf"),
    path("governance/matters/<int:pk>/<str:action>/", views.MatterStepView.as_view(), name="matter-action"),
    path("governance/meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("governance/meetings/<int:pk>/<str:action>/", views.MeetingStepView.as_view(), name="meeting-action"),
    path("governance/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment-download"),
    path("governance/publications/<int:pk>/photo/", views.PublicationPhotoView.as_view(), name="publication-photo"),
    path("governance/disputes/", views.DisputeListView.as_view(), name="dispute-list"),
    path("governance/disputes/new/", views.DisputeCreateView.as_view(), name="dispute-create"),
    path("governance/disputes/<int:pk>/", views.DisputeDetailView.as_view(), name="dispute-detail"),
    path("governance/disputes/<int:pk>/resolve/", views.DisputeResolveView.as_view(), name="dispute-resolve"),
    path("governance/disputes/<int:pk>/reopen/", views.DisputeReopenView.as_view(), name="dispute-reopen"),
    path("public/governance/", views.public_index, name="public-index"),
    path("public/governance/<str:code>/", views.public_matters, name="public-list"),
    path("public/governance/<str:code>/<str:ref>/", views.public_matter, name="public-matter"),
]
urlpatterns += pages.urlpatterns  # the bodies' records: cadre reviews, points, rosters, settings, supervision
