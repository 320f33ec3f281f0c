"""Deliver audit history pages (namespace deliver): the project's change history and
each record's history."""

from django.urls import path

from deliver.audit import views

urlpatterns = [
    path("history/", views.project_history, name="history"),
    path("strategy/history/", views.strategy_history, name="strategy-history"),
    path(
        "strategy/interventions/<int:intervention_id>/history/",
        views.intervention_history,
        name="intervention-history",
    ),
    path("eias/<int:eia_id>/history/", views.eia_history, name="eia-history"),
    path("tracking/actions/<int:action_id>/history/", views.action_history, name="action-history"),
    path("tracking/milestones/<int:milestone_id>/history/", views.milestone_history, name="milestone-history"),
    path("risks/<int:risk_id>/history/", views.risk_history, name="risk-history"),
    path("decisions/<int:decision_id>/history/", views.decision_history, name="decision-history"),
]
