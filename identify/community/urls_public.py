"""Public pages (no login; namespace public)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404("Not built yet")


# Placeholders: each is replaced by its real view.
urlpatterns = [
    path("c/<str:token>/", _not_built, name="community-input"),
]
