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
    path("child-care/rosters/", views.RosterListView.as_view(), name="roster-list"),
    path("child-care/rosters/upload/", views.roster_upload, name="roster-upload"),
    path("child-care/rosters/entries/", views.RosterEntryListView.as_view(), name="roster-entries"),
    path("child-care/rosters/entries/<int:pk>/decide/", views.RosterDecideView.as_view(), name="roster-decide"),
    path("child-care/rescues/", views.RescueListView.as_view(), name="rescue-list"),
    path("child-care/rescues/new/", views.rescue_create, name="rescue-create"),
    path("child-care/rescues/<int:pk>/", views.RescueDetailView.as_view(), name="rescue-detail"),
    path("child-care/rescues/<int:pk>/accept/", views.RescueAcceptView.as_view(), name="rescue-accept"),
    path("child-care/follow-ups/<int:pk>/record/", views.FollowUpRecordView.as_view(), name="follow-up-record"),
    path("child-care/consents/", views.ConsentListView.as_view(), name="consent-list"),
    path("child-care/consents/new/<int:pk>/", views.ConsentCreateView.as_view(), name="consent-create"),
    path("child-care/consents/<int:pk>/withdraw/", views.ConsentWithdrawView.as_view(), name="consent-withdraw"),
    path("child-care/guidance/", views.GuidanceListView.as_view(), name="guidance-list"),
    path("child-care/guidance/new/<int:pk>/", views.GuidanceCreateView.as_view(), name="guidance-create"),
    path("child-care/outreach/", views.OutreachListView.as_view(), name="outreach-list"),
    path("child-care/outreach/new/", views.OutreachCreateView.as_view(), name="outreach-create"),
    path("child-care/trainings/", views.TrainingListView.as_view(), name="training-list"),
    path("child-care/trainings/new/", views.TrainingCreateView.as_view(), name="training-create"),
    path("child-care/trainings/<int:pk>/attendance/", views.TrainingAttendanceView.as_view(),
         name="training-attendance"),
]
