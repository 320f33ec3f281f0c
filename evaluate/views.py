"""Step 4, Evaluate. Its features hang off the step overview: for now the
surveys of 4A (experience and outcome measures) and 4B (feedback)."""

from amhe.core.views import step_overview
from amhe.surveys.views_builder import overview_context as surveys_context


def _overview_context(request, project, membership):
    return surveys_context(request, project, membership, "evaluate")


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=4, template="evaluate/overview.html", extra=_overview_context
    )
