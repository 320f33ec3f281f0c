"""The survey builder and distribution (namespace identify, under
/projects/<project_id>/identify/surveys/)."""

from django.urls import path

from identify.surveys import views_builder as views

urlpatterns = [
    path("", views.survey_list, name="surveys"),
    path("new/", views.survey_new, name="survey-new"),
    path("bank/", views.question_bank, name="question-bank"),
    path("bank/<int:item_id>/delete/", views.question_bank_delete, name="question-bank-delete"),
    path("<uuid:survey_id>/", views.survey_detail, name="survey"),
    path("<uuid:survey_id>/settings/", views.survey_edit, name="survey-edit"),
    path("<uuid:survey_id>/equality/", views.survey_equality, name="survey-equality"),
    path("<uuid:survey_id>/questions/new/", views.question_new, name="question-new"),
    path("<uuid:survey_id>/questions/<int:question_id>/", views.question_edit, name="question-edit"),
    path("<uuid:survey_id>/questions/<int:question_id>/delete/", views.question_delete, name="question-delete"),
    path("<uuid:survey_id>/questions/<int:question_id>/move/", views.question_move, name="question-move"),
    path(
        "<uuid:survey_id>/questions/<int:question_id>/save-to-bank/",
        views.question_save_to_bank,
        name="question-save-to-bank",
    ),
    path("<uuid:survey_id>/bank/<int:item_id>/add/", views.question_bank_add, name="question-bank-add"),
    path("<uuid:survey_id>/translate/<str:language>/", views.survey_translate, name="survey-translate"),
    path("<uuid:survey_id>/publish/", views.survey_publish, name="survey-publish"),
    path("<uuid:survey_id>/close/", views.survey_close, name="survey-close"),
    path("<uuid:survey_id>/share/", views.survey_share, name="survey-share"),
    path("<uuid:survey_id>/qr-code.svg", views.survey_qr, name="survey-qr"),
    path("<uuid:survey_id>/invitations/", views.survey_invitations, name="survey-invitations"),
    path("<uuid:survey_id>/invitations.csv", views.survey_invitations_csv, name="survey-invitations-csv"),
]
