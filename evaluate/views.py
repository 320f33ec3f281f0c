"""Step 4, Evaluate. Its features hang off the step overview: 4A's measures over
time (SPC charts), benchmarking and surveys, and 4B's feedback surveys."""

from amhe.core.views import step_overview
from amhe.surveys.views_builder import overview_context as surveys_context
from evaluate.benchmarking.views import benchmark_rows
from evaluate.measures.views import measure_rows
from evaluate.review.views import overview_context as review_context


def _overview_context(request, project, membership):
    return {
        **surveys_context(request, project, membership, "evaluate"),
        "measure_rows": measure_rows(project),
        "benchmark_rows": benchmark_rows(project),
        **review_context(request, project, membership),
    }


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=4, template="evaluate/overview.html", extra=_overview_context
    )
