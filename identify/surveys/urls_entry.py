"""Staff entry of paper and phone responses (namespace identify, under /projects/<project_id>/identify/surveys/)."""

from django.urls import path

from identify.surveys import views_entry as views

urlpatterns = [
    path("<uuid:survey_id>/enter/", views.survey_enter, name="survey-enter"),
]
