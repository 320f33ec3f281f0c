"""Deliver 3C pages (namespace deliver): the governance structure."""

from django.urls import path

from deliver.governance import views

urlpatterns = [
    path("governance/", views.governance, name="governance"),
    path("governance/groups/new/", views.group_new, name="governance-group-new"),
    path("governance/groups/<int:group_id>/", views.group_detail, name="governance-group"),
    path("governance/groups/<int:group_id>/edit/", views.group_edit, name="governance-group-edit"),
    path("governance/groups/<int:group_id>/delete/", views.group_delete, name="governance-group-delete"),
    path("governance/groups/<int:group_id>/meetings/new/", views.meeting_new, name="governance-meeting-new"),
    path("governance/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="governance-meeting-edit"),
    path("governance/meetings/<int:meeting_id>/delete/", views.meeting_delete, name="governance-meeting-delete"),
]
