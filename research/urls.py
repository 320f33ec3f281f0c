from django.urls import include, path

from research import views

app_name = "research"

# Each area of step 2 has its own sub-package with its urls module, included here.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("", include("research.evidence.urls")),
    path("", include("research.priorities.urls")),
    path("practice/", include("research.practice.urls")),
    path("plans/", include("research.plans.urls")),
    path("ngt/", include("research.ngt.urls")),
]
