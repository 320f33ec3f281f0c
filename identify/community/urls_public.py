"""Public pages (no login; namespace public): the community input form."""

from django.urls import path

from identify.community import views_public as views

urlpatterns = [
    path("c/<str:token>/", views.community_input, name="community-input"),
    path("c/<str:token>/thanks/", views.community_input_thanks, name="community-input-thanks"),
]
