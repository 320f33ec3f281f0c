"""The read-only API (/api/v1/): GET only, a bearer token only, JSON or CSV.

Every view starts from the token's project (`access.project_for_token`): any other
project's id, or an object of another project, is 404. Each read made with a token
is logged in the audit log (amhe.core.audit: ``api_read``, the token, path, status, time).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from amhe.core.selectors import suppression_rule_for
from amhe.surveys import participation
from amhe.surveys.models import Survey
from api import presenters, services
from api.access import project_for_token
from api.models import ApiToken
from identify.models import Extract

FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv` for a flat table (Excel, Power BI); JSON otherwise."
)


def documented(operation_id: str, summary: str, description: str, *, many: bool = True):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        parameters=[FORMAT],
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT if not many else {"type": "array", "items": {"type": "object"}},
                description=description,
            ),
            401: OpenApiResponse(description="No token, or a token that is unknown, expired or revoked."),
            403: OpenApiResponse(description="The token's role on the project does not allow this."),
            404: OpenApiResponse(description="Not the token's project, or no such object in it."),
        },
    )


class ReadView(APIView):
    http_method_names = ["get", "head"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        token = getattr(request, "_auth", None)
        if isinstance(token, ApiToken):
            services.log_read(token=token, request=request, status=response.status_code)
        return response

    def project(self, project_id):
        return project_for_token(self.request.auth, project_id)


class Projects(ReadView):
    @documented("projects_list", "Projects", "The projects the token may read: its own project.")
    def get(self, request):
        project, _ = project_for_token(request.auth, request.auth.project_id)
        return Response([presenters.project(project)])


class ProjectDetail(ReadView):
    @documented("project_retrieve", "Project", "The project.", many=False)
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response(presenters.project(project))


class Progress(ReadView):
    @documented("progress_list", "Sub-step progress", "Where the project stands on each sub-step (1A to 4C).")
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response(presenters.progress(project))


class Goals(ReadView):
    @documented(
        "goals_list",
        "SMART goals with their measure series",
        "Each goal with its baseline, target and the values of its measure by period; "
        "a suppressed value has no number. In CSV, one row per goal and period.",
    )
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response(presenters.goals(project))


class Spc(ReadView):
    @documented(
        "spc_list",
        "SPC series",
        "Each measure's XmR chart: points with mean, process limits and point type, and the variation and "
        "assurance icons' words. Suppressed or missing values are left out. In CSV, one row per point.",
    )
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response(presenters.spc_series(project))


class SelfAssessments(ReadView):
    @documented(
        "self_assessments_list",
        "Self-assessment ratings",
        "Each EDS 2022, PCREF or other framework self-assessment with its total, maximum and overall "
        "rating (band; null until every item is rated, or for a framework without bands), and every "
        "item's rating with its section's subtotal. In CSV, one row per item rating.",
    )
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response(presenters.self_assessments(project))


def _uploads(project):
    return Extract.objects.filter(project=project, state=Extract.State.READY, breakdowns__isnull=False).distinct()


class Uploads(ReadView):
    @documented("uploads_list", "Processed uploads", "The project's processed data uploads that have breakdowns.")
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response([presenters.upload(e) for e in _uploads(project).order_by("-created_at")])


class UploadBreakdowns(ReadView):
    @documented(
        "upload_breakdowns_list",
        "Published breakdowns of an upload",
        "The upload's breakdowns as published beyond the uploading analyst: small counts hidden (null), "
        "the rest rounded, every other figure worked out from the published counts. Never the true counts.",
    )
    def get(self, request, project_id, extract_id):
        project, _ = self.project(project_id)
        extract = get_object_or_404(_uploads(project), pk=extract_id)
        return Response(presenters.breakdowns(extract))


def _surveys(project):
    return Survey.objects.filter(project=project).exclude(state=Survey.State.DRAFT)


class Surveys(ReadView):
    @documented("surveys_list", "Surveys", "The project's published and closed surveys.")
    def get(self, request, project_id):
        project, _ = self.project(project_id)
        return Response([presenters.survey(s) for s in _surveys(project).order_by("-created_at")])


class SurveyResults(ReadView):
    @documented(
        "survey_results_retrieve",
        "Survey results",
        "Each question's suppressed summary: the publishable figures of each answer and coded theme "
        "(a hidden count is null). No free-text answers. In CSV, one row per answer. A panel member's "
        "token reads these once they have answered the survey or it has closed (403 before).",
        many=False,
    )
    def get(self, request, project_id, survey_id):
        project, membership = self.project(project_id)
        survey = get_object_or_404(_surveys(project), pk=survey_id)
        if participation.results_hidden(request.auth.user, membership, survey):
            raise PermissionDenied("Results are hidden until you have answered the survey or it has closed.")
        rule = suppression_rule_for(project)
        return Response(presenters.survey_results(survey, rule, by=request.auth.user))
