"""Staff pages (namespace identify, under /projects/<project_id>/identify/)."""

from django.http import Http404
from django.urls import path


def _not_built(request, **kwargs):
    raise Http404("Not built yet")


# Placeholders: each is replaced by its real view.
urlpatterns = [
    path("themes/", _not_built, name="themes"),
    path("focus-groups/", _not_built, name="focus-groups"),
    path("community-input/", _not_built, name="community-inputs"),
    path("assets/", _not_built, name="assets"),
]
