"""Deliver 3C pages (namespace deliver): the risk register."""

from django.urls import path

from deliver.risks import views

urlpatterns = [
    path("risks/", views.risk_list, name="risks"),
    path("risks/new/", views.risk_new, name="risk-new"),
    path("risks/<int:risk_id>/", views.risk_detail, name="risk"),
    path("risks/<int:risk_id>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:risk_id>/delete/", views.risk_delete, name="risk-delete"),
]
