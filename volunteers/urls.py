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
    path("volunteers/shifts/<int:pk>/signups/<int:signup_pk>/<str:what>/", views.ShiftActionView.as_view(), name="shift-action"),
    path("volunteers/hours/<int:pk>/<str:what>/", views.RecordDecideView.as_view(), name="record-decide"),
    path("volunteers/corrections/<int:pk>/answer/", views.CorrectionAnswerView.as_view(), name="correction-answer"),
    path("volunteers/imports/", views.ImportStartView.as_view(), name="import-start"),
    path("volunteers/imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("volunteers/imports/<int:pk>/approve/", views.ImportApproveView.as_view(), name="import-approve"),
    path("volunteers/me/", views.me, name="me"),
    path("volunteers/me/check-in/", views.me_checkin, name="me-checkin"),
    path("volunteers/me/shifts/<int:pk>/sign-up/", views.me_sign_up, name="me-sign-up"),
    path("volunteers/me/records/<int:pk>/correction/", views.me_correction, name="me-correction"),
    path("volunteers/me/teams/<int:pk>/certificate/", views.me_certificate, name="me-certificate"),
    path("volunteers/certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("public/volunteers/certificates/", views.certificate_lookup, name="certificate-lookup"),
    path("public/volunteers/certificates/<str:code>/", views.certificate_verify, name="certificate-verify"),
]

# The whole job on pages (issue 16): volunteers/pages.py
from . import pages  # noqa: E402

urlpatterns += [
    path("volunteers/new/", pages.VolunteerCreateView.as_view(), name="volunteer-create"),
    path("volunteers/<int:pk>/edit/", pages.VolunteerUpdateView.as_view(), name="volunteer-edit"),
    path("volunteers/<int:pk>/status/<str:step>/", pages.VolunteerStepView.as_view(), name="volunteer-step"),
    path("volunteers/<int:pk>/account/", pages.VolunteerAccountView.as_view(), name="volunteer-account"),
    path("volunteers/teams/new/", pages.TeamCreateView.as_view(), name="team-create"),
    path("volunteers/teams/<int:pk>/edit/", pages.TeamUpdateView.as_view(), name="team-edit"),
    path("volunteers/teams/<int:pk>/staff/", pages.TeamStaffView.as_view(), name="team-staff"),
    path("volunteers/teams/<int:pk>/activities/new/", pages.ActivityCreateView.as_view(), name="activity-create"),
    path("volunteers/teams/<int:pk>/hours/new/", pages.TeamHoursView.as_view(), name="team-hours"),
    path("volunteers/memberships/<int:pk>/remove/", pages.StaffRemoveView.as_view(), name="staff-remove"),
    path("volunteers/memberships/<int:pk>/decide/", pages.JoinDecisionView.as_view(), name="join-decide"),
    path("volunteers/activities/<int:pk>/shifts/new/", pages.ShiftCreateView.as_view(), name="shift-create"),
    path("volunteers/shifts/<int:pk>/sign-up/", pages.ShiftSignUpView.as_view(), name="shift-sign-up"),
    path("volunteers/shifts/<int:pk>/qr.svg", pages.ShiftQrView.as_view(), name="shift-qr"),
    path("volunteers/training/", pages.TrainingListView.as_view(), name="training-list"),
    path("volunteers/training/new/", pages.TrainingCreateView.as_view(), name="training-create"),
    path("volunteers/training/<int:pk>/", pages.TrainingDetailView.as_view(), name="training-detail"),
    path("volunteers/training/<int:pk>/attendance/", pages.AttendanceView.as_view(), name="training-attendance"),
    path("volunteers/social-workers/", pages.SocialWorkerListView.as_view(), name="socialworker-list"),
    path("volunteers/social-workers/new/", pages.SocialWorkerCreateView.as_view(), name="socialworker-create"),
    path("volunteers/social-workers/<int:pk>/edit/", pages.SocialWorkerUpdateView.as_view(), name="socialworker-edit"),
    path("volunteers/me/check-in/<str:code>/", pages.me_checkin_code, name="me-checkin-code"),
]

# Residents register themselves (public); the area's volunteer officer decides (issue 16).
urlpatterns += [
    path("public/volunteers/register/", pages.self_register, name="self-register"),
    path("volunteers/registrations/", pages.ApplicationListView.as_view(), name="application-list"),
    path("volunteers/registrations/<int:pk>/", pages.ApplicationDecideView.as_view(), name="application-decide"),
]
