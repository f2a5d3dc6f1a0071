from django.urls import path

from . import views

app_name = "child_care"

urlpatterns = [
    path("child-care/people/", views.PersonListView.as_view(), name="person-list"),
    path("child-care/people/new/", views.person_create, name="person-create"),
    path("child-care/people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("child-care/people/<int:pk>/access-log/", views.access_log, name="access-log"),
    path("child-care/people/<int:pk>/<str:what>/", views.person_action, name="person-action"),
    path("child-care/proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("child-care/proposals/<int:pk>/<str:what>/", views.proposal_action, name="proposal-action"),
    path("child-care/visits/mine/", views.my_visits, name="my-visits"),
    path("child-care/visits/<int:pk>/record/", views.visit_record, name="visit-record"),
    path("child-care/summary/", views.summary, name="summary"),
]
