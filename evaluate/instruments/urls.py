"""Evaluate 4A pages (namespace evaluate): PREMs and PROMs."""

from django.urls import path

from evaluate.instruments import views

urlpatterns = [
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/new/", views.instrument_new, name="instrument-new"),
    path("instruments/in-surveys/<int:use_id>/", views.use_results, name="instrument-use"),
    path("instruments/in-surveys/<int:use_id>/remove/", views.use_remove, name="instrument-use-remove"),
    path("instruments/<slug:instrument>/", views.instrument_detail, name="instrument"),
    path("instruments/<slug:instrument>/measure/", views.instrument_measure, name="instrument-measure"),
    path("instruments/<slug:instrument>/upload/", views.scores_upload, name="instrument-upload"),
    path("instruments/uploads/<int:upload_id>/", views.upload_results, name="instrument-upload-results"),
]
