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
    path("grids/incidents/<int:pk>/photo/", views.IncidentPhotoView.as_view(), name="incident-photo"),
    path("grids/incidents/<int:pk>/<str:action>/", views.incident_action, name="incident-action"),
    path("grids/plans/<int:pk>/visit/", views.visit_create, name="visit-create"),
    path("grids/visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("grids/visits/<int:pk>/photo/", views.VisitPhotoView.as_view(), name="visit-photo"),
    path("public/grids/<str:code>/", views.public_board, name="public-board"),
]

urlpatterns += [
    path("grids/window/", views.WindowListView.as_view(), name="window-list"),
    path("grids/window/new/", views.WindowCreateView.as_view(), name="window-create"),
    path("grids/window/<int:pk>/", views.WindowDetailView.as_view(), name="window-detail"),
    path("grids/window/<int:pk>/<str:action>/", views.WindowStepView.as_view(), name="window-step"),
    path("grids/tasks/", views.TaskListView.as_view(), name="task-list"),
    path("grids/tasks/new/", views.TaskCreateView.as_view(), name="task-create"),
    path("grids/tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("grids/tasks/<int:pk>/<str:action>/", views.TaskStepView.as_view(), name="task-step"),
    path("grids/admissions/", views.AdmissionListView.as_view(), name="admission-list"),
    path("grids/admissions/new/", views.AdmissionCreateView.as_view(), name="admission-create"),
    path("grids/admissions/<int:pk>/<str:action>/", views.AdmissionStepView.as_view(), name="admission-step"),
    path("grids/certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path("grids/certificates/new/", views.CertificateCreateView.as_view(), name="certificate-create"),
    path("grids/certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("grids/certificates/<int:pk>.pdf", views.CertificatePdfView.as_view(), name="certificate-pdf"),
]

from . import assessment_views  # noqa: E402  (the register of assessments of communities)

urlpatterns += [
    path("grids/assessments/", assessment_views.AssessmentListView.as_view(), name="assessment-list"),
    path("grids/assessments/new/", assessment_views.AssessmentCreateView.as_view(), name="assessment-create"),
    path("grids/assessments/<int:pk>/refuse/", assessment_views.AssessmentRefuseView.as_view(),
         name="assessment-refuse"),
]
