"""Deliver 3A pages (namespace deliver): equality impact assessments."""

from django.urls import path

from deliver.eia import views

urlpatterns = [
    path("eias/", views.eia_list, name="eias"),
    path("eias/new/", views.eia_new, name="eia-new"),
    path("eias/<int:eia_id>/", views.eia_detail, name="eia"),
    path("eias/<int:eia_id>/edit/", views.eia_edit, name="eia-edit"),
    path("eias/<int:eia_id>/submit/", views.eia_submit, name="eia-submit"),
    path("eias/<int:eia_id>/decide/", views.eia_decide, name="eia-decide"),
    path("eias/<int:eia_id>/versions/", views.eia_versions, name="eia-versions"),
    path("eias/<int:eia_id>/versions/<int:version>/", views.eia_version, name="eia-version"),
]
