from django.urls import path

from . import views

urlpatterns = [
    path("imports/<slug:key>/template.<str:fmt>", views.template, name="import-template"),
]
