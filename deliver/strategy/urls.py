"""Deliver 3A pages (namespace deliver): the strategy and its interventions."""

from django.urls import path

from deliver.strategy import views

urlpatterns = [
    path("strategy/", views.strategy_detail, name="strategy"),
    path("strategy/edit/", views.strategy_edit, name="strategy-edit"),
    path("strategy/start/", views.strategy_start, name="strategy-start"),
    path("strategy/your-comment/", views.strategy_comment, name="strategy-comment"),
    path("strategy/interventions/new/", views.intervention_new, name="intervention-new"),
    path("strategy/interventions/<int:intervention_id>/", views.intervention_detail, name="intervention"),
    path("strategy/interventions/<int:intervention_id>/edit/", views.intervention_edit, name="intervention-edit"),
    path("strategy/interventions/<int:intervention_id>/delete/", views.intervention_delete, name="intervention-delete"),
]
