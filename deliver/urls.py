from django.urls import include, path

from deliver import views

app_name = "deliver"

# Each area of step 3 has its own sub-package with its urls module, included here.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("", include("deliver.strategy.urls")),
    path("", include("deliver.measures.urls")),
    path("", include("deliver.eia.urls")),
    path("", include("deliver.tracking.urls")),
    path("", include("deliver.risks.urls")),
    path("", include("deliver.decisions.urls")),
    path("", include("deliver.resourcing.urls")),
    path("", include("deliver.governance.urls")),
    path("", include("deliver.approvals.urls")),
    path("", include("deliver.audit.urls")),
]
