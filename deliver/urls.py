from django.urls import path

from deliver import views

app_name = "deliver"

urlpatterns = [
    path("", views.overview, name="overview"),
]
