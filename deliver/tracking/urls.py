"""Deliver 3B pages (namespace deliver): milestones, actions and their updates."""

from django.urls import path

from deliver.tracking import views

urlpatterns = [
    path("tracking/", views.tracking, name="tracking"),
    path("tracking/actions/new/", views.action_new, name="action-new"),
    path("tracking/actions/<int:action_id>/", views.action_detail, name="action"),
    path("tracking/actions/<int:action_id>/edit/", views.action_edit, name="action-edit"),
    path("tracking/actions/<int:action_id>/update/", views.action_update, name="action-update"),
    path("tracking/actions/<int:action_id>/delete/", views.action_delete, name="action-delete"),
    path("tracking/milestones/new/", views.milestone_new, name="milestone-new"),
    path("tracking/milestones/<int:milestone_id>/edit/", views.milestone_edit, name="milestone-edit"),
    path("tracking/milestones/<int:milestone_id>/delete/", views.milestone_delete, name="milestone-delete"),
]
