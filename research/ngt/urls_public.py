"""Public pages for NGT participants (no login; namespace public)."""

from django.urls import path

from research.ngt import views_public as views

urlpatterns = [
    path("n/<str:token>/", views.join, name="ngt-join"),
    path("np/<str:token>/", views.participant_home, name="ngt-participant"),
    path("np/<str:token>/ideas/", views.participant_idea, name="ngt-idea"),
    path("np/<str:token>/rank/", views.participant_rank, name="ngt-rank"),
]
