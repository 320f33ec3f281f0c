"""Members answering a survey from inside the app
(namespace identify, under /projects/<project_id>/identify/surveys/)."""

from django.urls import path

from identify.surveys import views_member as views

urlpatterns = [
    path("<uuid:survey_id>/answer/", views.answer, name="survey-answer"),
]
