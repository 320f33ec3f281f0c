"""Deliver 3C pages (namespace deliver): approvals and the governance lead's page."""

from django.urls import path

from deliver.approvals import views

urlpatterns = [
    path("waiting-for-you/", views.waiting_for_you, name="approvals"),
    path("strategy/submit/", views.strategy_submit, name="strategy-submit"),
    path("strategy/decide/", views.strategy_decide, name="strategy-decide"),
]
