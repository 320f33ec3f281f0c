from django.urls import include, path

from identify import views

app_name = "identify"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("data/new/", views.extract_new, name="extract-new"),
    path("data/<uuid:extract_id>/", views.extract_detail, name="extract"),
    path("data/<uuid:extract_id>/delete/", views.extract_delete, name="extract-delete"),
    path("data/<uuid:extract_id>/quality/", views.extract_quality, name="quality"),
    path("data/<uuid:extract_id>/dashboard/", views.extract_dashboard, name="dashboard"),
    path(
        "data/<uuid:extract_id>/dashboard/<slug:characteristic>/",
        views.extract_dashboard_section,
        name="dashboard-section",
    ),
    path("data/<uuid:extract_id>/breakdowns.csv", views.extract_export, name="export"),
    # 1B: work with communities (its surveys are amhe.surveys', under /identify/surveys/).
    path("", include("identify.community.urls")),
]
