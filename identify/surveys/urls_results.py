"""Survey results (namespace identify, under /projects/<project_id>/identify/surveys/)."""

from django.urls import path

from identify.surveys import views_results as views

urlpatterns = [
    path("<uuid:survey_id>/results/", views.results, name="survey-results"),
    path("<uuid:survey_id>/results/themes/", views.themes, name="survey-themes"),
    path("<uuid:survey_id>/results/<int:question_id>/", views.question_results, name="survey-question-results"),
    path("<uuid:survey_id>/results/<int:question_id>/coding/", views.coding, name="survey-coding"),
    path("<uuid:survey_id>/results.csv", views.results_csv, name="survey-results-csv"),
    path("<uuid:survey_id>/results.xlsx", views.results_xlsx, name="survey-results-xlsx"),
    path("<uuid:survey_id>/responses.csv", views.responses_csv, name="survey-responses-csv"),
    path("<uuid:survey_id>/responses.xlsx", views.responses_xlsx, name="survey-responses-xlsx"),
]
