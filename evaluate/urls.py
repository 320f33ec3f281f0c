from django.urls import include, path

from evaluate import views

app_name = "evaluate"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("", include("evaluate.measures.urls")),
    path("", include("evaluate.instruments.urls")),
    path("", include("evaluate.feedback.urls")),
    path("", include("evaluate.benchmarking.urls")),
    path("", include("evaluate.review.urls")),
    path("", include("evaluate.frameworks.urls")),
]
