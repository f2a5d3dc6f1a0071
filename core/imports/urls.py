from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.index, name="import-index"),
    path("imports/jobs/<int:pk>/", views.job_detail, name="import-job"),
    path("imports/jobs/<int:pk>/confirm/", views.job_confirm, name="import-confirm"),
    path("imports/jobs/<int:pk>/errors.<str:fmt>", views.job_errors, name="import-errors-download"),
    path("imports/<slug:key>/", views.upload, name="import-upload"),
    path("imports/<slug:key>/template.<str:fmt>", views.template, name="import-template"),
]
