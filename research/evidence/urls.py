"""Research 2A pages (namespace research): the evidence base and existing initiatives."""

from django.urls import path

from research.evidence import views

urlpatterns = [
    path("evidence/", views.reference_list, name="references"),
    path("evidence/new/", views.reference_new, name="reference-new"),
    path("evidence/import/", views.references_import, name="references-import"),
    path("evidence/import-template.csv", views.references_import_template, name="references-import-template"),
    path("evidence/<int:reference_id>/", views.reference_detail, name="reference"),
    path("evidence/<int:reference_id>/edit/", views.reference_edit, name="reference-edit"),
    path("evidence/<int:reference_id>/delete/", views.reference_delete, name="reference-delete"),
    path("initiatives/", views.initiative_list, name="initiatives"),
    path("initiatives/new/", views.initiative_new, name="initiative-new"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative"),
    path("initiatives/<int:initiative_id>/edit/", views.initiative_edit, name="initiative-edit"),
    path("initiatives/<int:initiative_id>/delete/", views.initiative_delete, name="initiative-delete"),
]
