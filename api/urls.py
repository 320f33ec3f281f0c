"""/api/v1/: the read-only API. Outside the login-required middleware (no session is
accepted here), every URL needs a bearer token (api.authentication)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api-v1"


def _open(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view(api_version="1")), name="schema"),
    path("projects/", _open(views.Projects), name="projects"),
    path("projects/<int:project_id>/", _open(views.ProjectDetail), name="project"),
    path("projects/<int:project_id>/progress/", _open(views.Progress), name="progress"),
    path("projects/<int:project_id>/goals/", _open(views.Goals), name="goals"),
    path("projects/<int:project_id>/spc/", _open(views.Spc), name="spc"),
    path("projects/<int:project_id>/self-assessments/", _open(views.SelfAssessments), name="self-assessments"),
    path("projects/<int:project_id>/uploads/", _open(views.Uploads), name="uploads"),
    path(
        "projects/<int:project_id>/uploads/<uuid:extract_id>/breakdowns/",
        _open(views.UploadBreakdowns),
        name="upload-breakdowns",
    ),
    path("projects/<int:project_id>/surveys/", _open(views.Surveys), name="surveys"),
    path(
        "projects/<int:project_id>/surveys/<uuid:survey_id>/results/", _open(views.SurveyResults), name="survey-results"
    ),
]
