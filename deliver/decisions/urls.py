"""Deliver 3C pages (namespace deliver): the decision log."""

from django.urls import path

from deliver.decisions import views

urlpatterns = [
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/new/", views.decision_new, name="decision-new"),
    path("decisions/<int:decision_id>/edit/", views.decision_edit, name="decision-edit"),
    path("decisions/<int:decision_id>/delete/", views.decision_delete, name="decision-delete"),
]
