from django.urls import include, path

from evaluate import views

app_name = "evaluate"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("", include("evaluate.measures.urls")),
    path("", include("evaluate.frameworks.urls")),
]
