from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/", views.VolunteerListView.as_view(), name="volunteer-list"),
    path("volunteers/<int:pk>/", views.VolunteerDetailView.as_view(), name="volunteer-detail"),
    path("volunteers/teams/", views.TeamListView.as_view(), name="team-list"),
    path("volunteers/teams/<int:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("volunteers/activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity-detail"),
    path("volunteers/shifts/<int:pk>/", views.ShiftDetailView.as_view(), name="shift-detail"),
    path("volunteers/shifts/<int:pk>/signups/<int:signup_pk>/<str:what>/", views.shift_action, name="shift-action"),
    path("volunteers/hours/<int:pk>/<str:what>/", views.record_decide, name="record-decide"),
    path("volunteers/corrections/<int:pk>/answer/", views.correction_answer, name="correction-answer"),
    path("volunteers/imports/", views.import_start, name="import-start"),
    path("volunteers/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("volunteers/imports/<int:pk>/approve/", views.import_approve, name="import-approve"),
    path("volunteers/me/", views.me, name="me"),
    path("volunteers/me/check-in/", views.me_checkin, name="me-checkin"),
    path("volunteers/me/shifts/<int:shift_pk>/sign-up/", views.me_sign_up, name="me-sign-up"),
    path("volunteers/me/records/<int:record_pk>/correction/", views.me_correction, name="me-correction"),
    path("volunteers/me/teams/<int:team_pk>/certificate/", views.me_certificate, name="me-certificate"),
    path("volunteers/certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("public/volunteers/certificates/", views.certificate_lookup, name="certificate-lookup"),
    path("public/volunteers/certificates/<str:code>/", views.certificate_verify, name="certificate-verify"),
]
