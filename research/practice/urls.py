"""Positive practice pages of a project (namespace research, under
/projects/<project_id>/research/practice/)."""

from django.urls import path

from research.practice import views

urlpatterns = [
    path("", views.case_study_list, name="practice"),
    path("new/", views.case_study_new, name="practice-new"),
    path("<int:case_study_id>/", views.case_study_detail, name="practice-case-study"),
    path("<int:case_study_id>/edit/", views.case_study_edit, name="practice-edit"),
    path("<int:case_study_id>/delete/", views.case_study_delete, name="practice-delete"),
    path("<int:case_study_id>/attachments/new/", views.attachment_new, name="practice-attachment-new"),
    path(
        "<int:case_study_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="practice-attachment",
    ),
    path(
        "<int:case_study_id>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="practice-attachment-delete",
    ),
    path("<int:case_study_id>/sharing/", views.sharing, name="practice-sharing"),
    path("<int:case_study_id>/review/", views.review, name="practice-review"),
]
