"""Shared positive practice (namespace research-shared, under /research/practice/):
case studies a reviewer approved for sharing, for every signed-in user of every
organisation. Not under a project: these are the app's only cross-organisation
pages, and they show the shared case studies and their attachments alone."""

from django.urls import path

from research.practice import views

app_name = "research-shared"

urlpatterns = [
    path("", views.shared_search, name="search"),
    path("<int:case_study_id>/", views.shared_case_study, name="case-study"),
    path("<int:case_study_id>/attachments/<int:attachment_id>/", views.shared_attachment, name="attachment"),
]
