from django.urls import path

from identify import views

app_name = "identify"

urlpatterns = [
    path("", views.overview, name="overview"),
]
