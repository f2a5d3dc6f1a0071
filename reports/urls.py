from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.dashboard, name="reports-dashboard"),
    path("reports/runs/", views.start_run, name="reports-run"),
    path("reports/runs/<int:pk>/", views.run_progress, name="reports-run-progress"),
]
