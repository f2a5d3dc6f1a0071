from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import exports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.AreaListView.as_view(), name="area-list"),
    path("areas/<str:code>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/close/", views.FindingCloseView.as_view(), name="finding-close"),
    path("audit/", views.AuditEventListView.as_view(), name="audit-list"),
    path("staff/", views.StaffListView.as_view(), name="staff-list"),
    path("exports/", exports.my_exports, name="my-exports"),
    path("exports/<uuid:token>/", exports.download, name="export-download"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", views.RevealView.as_view(), name="reveal"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/", views.otp_verify, name="otp-verify"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots),
    path("", include("core.imports.urls")),  # every registered importer's template (core.imports)
]
