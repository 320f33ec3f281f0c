"""The app's URLs plus /bench/trivial/: a Django view that does nothing but answer
"ok" through the whole middleware stack (sessions, CSRF, CSP, locale, login, axes...),
so the benchmarks can report each page's server time as a multiple of it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

TRIVIAL_PATH = "/bench/trivial/"


@login_not_required
@require_GET
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path(TRIVIAL_PATH.strip("/") + "/", trivial),
    path("", include("amhe.urls")),
]

handler404 = "amhe.core.views.page_not_found"
handler403 = "amhe.core.views.permission_denied"
handler500 = "amhe.core.views.server_error"
