"""A survey's staff pages (namespace surveys), under the step its sub-step belongs to:
/projects/<project_id>/<step>/surveys/ (amhe.surveys.steps.SurveyStepConverter).
Respondents' public pages are in urls_respond (namespace public)."""

from django.urls import path

from amhe.surveys import views_builder, views_entry, views_member, views_results

app_name = "surveys"

urlpatterns = [
    # Building and distributing.
    path("", views_builder.survey_list, name="surveys"),
    path("new/", views_builder.survey_new, name="survey-new"),
    path("bank/", views_builder.question_bank, name="question-bank"),
    path("bank/<int:item_id>/delete/", views_builder.question_bank_delete, name="question-bank-delete"),
    path("<uuid:survey_id>/", views_builder.survey_detail, name="survey"),
    path("<uuid:survey_id>/settings/", views_builder.survey_edit, name="survey-edit"),
    path("<uuid:survey_id>/equality/", views_builder.survey_equality, name="survey-equality"),
    path("<uuid:survey_id>/questions/new/", views_builder.question_new, name="question-new"),
    path("<uuid:survey_id>/questions/<int:question_id>/", views_builder.question_edit, name="question-edit"),
    path("<uuid:survey_id>/questions/<int:question_id>/delete/", views_builder.question_delete, name="question-delete"),
    path("<uuid:survey_id>/questions/<int:question_id>/move/", views_builder.question_move, name="question-move"),
    path(
        "<uuid:survey_id>/questions/<int:question_id>/save-to-bank/",
        views_builder.question_save_to_bank,
        name="question-save-to-bank",
    ),
    path("<uuid:survey_id>/bank/<int:item_id>/add/", views_builder.question_bank_add, name="question-bank-add"),
    path("<uuid:survey_id>/translate/<str:language>/", views_builder.survey_translate, name="survey-translate"),
    path("<uuid:survey_id>/publish/", views_builder.survey_publish, name="survey-publish"),
    path("<uuid:survey_id>/close/", views_builder.survey_close, name="survey-close"),
    path("<uuid:survey_id>/share/", views_builder.survey_share, name="survey-share"),
    path("<uuid:survey_id>/qr-code.svg", views_builder.survey_qr, name="survey-qr"),
    path("<uuid:survey_id>/invitations/", views_builder.survey_invitations, name="survey-invitations"),
    path("<uuid:survey_id>/invitations.csv", views_builder.survey_invitations_csv, name="survey-invitations-csv"),
    # Staff entry of paper and phone responses.
    path("<uuid:survey_id>/enter/", views_entry.survey_enter, name="survey-enter"),
    # Results.
    path("<uuid:survey_id>/results/", views_results.results, name="survey-results"),
    path("<uuid:survey_id>/results/themes/", views_results.themes, name="survey-themes"),
    path("<uuid:survey_id>/results/<int:question_id>/", views_results.question_results, name="survey-question-results"),
    path("<uuid:survey_id>/results/<int:question_id>/coding/", views_results.coding, name="survey-coding"),
    path("<uuid:survey_id>/results.csv", views_results.results_csv, name="survey-results-csv"),
    path("<uuid:survey_id>/results.xlsx", views_results.results_xlsx, name="survey-results-xlsx"),
    path("<uuid:survey_id>/responses.csv", views_results.responses_csv, name="survey-responses-csv"),
    path("<uuid:survey_id>/responses.xlsx", views_results.responses_xlsx, name="survey-responses-xlsx"),
    # Members answering from inside the app.
    path("<uuid:survey_id>/answer/", views_member.answer, name="survey-answer"),
]
