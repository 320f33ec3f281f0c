"""Evaluate 4A pages (namespace evaluate): measures over time as SPC charts."""

from django.urls import path

from evaluate.measures import views

urlpatterns = [
    path("measures/", views.measure_list, name="measures"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("measures/<int:measure_id>/rebases/new/", views.rebase_new, name="rebase-new"),
    path("measures/<int:measure_id>/rebases/<int:rebase_id>/delete/", views.rebase_delete, name="rebase-delete"),
]
