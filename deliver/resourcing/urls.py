"""Deliver 3A pages (namespace deliver): resourcing the strategy."""

from django.urls import path

from deliver.resourcing import views

urlpatterns = [
    path("resourcing/", views.resourcing, name="resourcing"),
    path("resourcing/staff/new/", views.staff_role_new, name="staff-role-new"),
    path("resourcing/staff/<int:staff_role_id>/edit/", views.staff_role_edit, name="staff-role-edit"),
    path("resourcing/staff/<int:staff_role_id>/delete/", views.staff_role_delete, name="staff-role-delete"),
    path("resourcing/facilities/new/", views.facility_new, name="facility-new"),
    path("resourcing/facilities/<int:facility_id>/edit/", views.facility_edit, name="facility-edit"),
    path("resourcing/facilities/<int:facility_id>/delete/", views.facility_delete, name="facility-delete"),
    path("resourcing/budget/new/", views.budget_line_new, name="budget-line-new"),
    path("resourcing/budget/<int:budget_line_id>/edit/", views.budget_line_edit, name="budget-line-edit"),
    path("resourcing/budget/<int:budget_line_id>/delete/", views.budget_line_delete, name="budget-line-delete"),
]
