"""Evaluate 4A benchmarking pages (namespace evaluate)."""

from django.urls import path

from evaluate.benchmarking import views

urlpatterns = [
    path("benchmarking/", views.benchmark_list, name="benchmarks"),
    path("benchmarking/new/", views.benchmark_new, name="benchmark-new"),
    path("benchmarking/<int:benchmark_id>/", views.benchmark_detail, name="benchmark"),
    path("benchmarking/<int:benchmark_id>/edit/", views.benchmark_edit, name="benchmark-edit"),
    path("benchmarking/<int:benchmark_id>/delete/", views.benchmark_delete, name="benchmark-delete"),
    path("benchmarking/<int:benchmark_id>/comparators/new/", views.comparator_new, name="comparator-new"),
    path("benchmarking/<int:benchmark_id>/comparators/upload/", views.comparator_upload, name="comparator-upload"),
    path("benchmarking/<int:benchmark_id>/comparators/peers/", views.comparator_peers, name="comparator-peers"),
    path(
        "benchmarking/<int:benchmark_id>/comparators/<int:comparator_id>/delete/",
        views.comparator_delete,
        name="comparator-delete",
    ),
]
