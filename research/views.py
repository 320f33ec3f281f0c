"""Step 2, Research: the step's page. Each area of the step lives in its own
sub-package (research/<area>/) and adds what the step page shows to
_overview_context and research/overview.html."""

from amhe.core.views import step_overview
from amhe.surveys.views_builder import overview_context as surveys_context
from research import selectors
from research.plans.views import overview_context as plans_context


def _overview_context(request, project, membership):
    return {
        **surveys_context(request, project, membership, "research"),
        "communities_said": selectors.what_communities_said(project),
        **plans_context(request, project, membership),
    }


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=2, template="research/overview.html", extra=_overview_context
    )
