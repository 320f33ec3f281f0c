"""Staff pages for work with communities (namespace identify, under
/projects/<project_id>/identify/): focus groups, community input, themes
from all sources and the community asset directory."""

from django.urls import path

from identify.community import views

urlpatterns = [
    path("themes/", views.theme_list, name="themes"),
    path("themes/<int:theme_id>/", views.theme_detail, name="theme"),
    path("focus-groups/", views.focus_group_list, name="focus-groups"),
    path("focus-groups/new/", views.focus_group_new, name="focus-group-new"),
    path("focus-groups/<int:focus_group_id>/", views.focus_group_detail, name="focus-group"),
    path("focus-groups/<int:focus_group_id>/edit/", views.focus_group_edit, name="focus-group-edit"),
    path("focus-groups/<int:focus_group_id>/delete/", views.focus_group_delete, name="focus-group-delete"),
    path("community-input/", views.community_input_list, name="community-inputs"),
    path("community-input/new/", views.community_input_new, name="community-input-new"),
    path("community-input/link/", views.community_input_link, name="community-input-link"),
    path("community-input/<int:input_id>/", views.community_input_detail, name="community-input"),
    path("community-input/<int:input_id>/delete/", views.community_input_delete, name="community-input-delete"),
    path("assets/", views.asset_list, name="assets"),
    path("assets/new/", views.asset_new, name="asset-new"),
    path("assets/export.csv", views.assets_csv_export, name="assets-csv"),
    path("assets/import/", views.assets_import, name="assets-import"),
    path("assets/import-template.csv", views.assets_import_template, name="assets-import-template"),
    path("assets/<int:asset_id>/", views.asset_detail, name="asset"),
    path("assets/<int:asset_id>/edit/", views.asset_edit, name="asset-edit"),
    path("assets/<int:asset_id>/delete/", views.asset_delete, name="asset-delete"),
]
