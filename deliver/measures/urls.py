"""Deliver 3A pages (namespace deliver): measures worked out from Identify's uploads."""

from django.urls import path

from deliver.measures import views

urlpatterns = [
    path("measures/", views.measure_list, name="measures"),
    path("measures/new/", views.measure_new, name="measure-new"),
    path("measures/new/<uuid:extract_id>/", views.measure_define, name="measure-define"),
    path("measures/<int:measure_id>/", views.measure_detail, name="measure"),
    path("measures/<int:measure_id>/values/", views.measure_refresh, name="measure-refresh"),
    path("goals/<int:goal_id>/measure/", views.goal_measure, name="goal-measure"),
]
