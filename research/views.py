"""Step 2, Research: the step's page. Each area of the step lives in its own
sub-package (research/<area>/) and adds what the step page shows to
_overview_context and research/overview.html."""

from amhe.core import access
from amhe.core.access import Action
from amhe.core.views import step_overview
from amhe.surveys.views_builder import overview_context as surveys_context
from research import selectors
from research.evidence import selectors as evidence_selectors
from research.ngt.views import overview_context as ngt_context
from research.plans.views import overview_context as plans_context
from research.practice.views import overview_context as practice_overview
from research.priorities import selectors as priority_selectors


def _overview_context(request, project, membership):
    context = {
        **surveys_context(request, project, membership, "research"),
        "communities_said": selectors.what_communities_said(project),
        **practice_overview(project, membership),
        **plans_context(request, project, membership),
        **ngt_context(request, project, membership),
    }
    # 2A evidence base and existing initiatives; 2C priorities.
    context["evidence"] = {
        "references": evidence_selectors.references(project).count(),
        "initiatives": evidence_selectors.initiatives(project).count(),
        "can_research": access.role_can(membership.role, Action.RESEARCH),
    }
    context["priority_summary"] = {
        "all": priority_selectors.priorities(project).count(),
        "agreed": priority_selectors.agreed_priorities(project),
        "can_research": access.role_can(membership.role, Action.RESEARCH),
    }
    return context


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=2, template="research/overview.html", extra=_overview_context
    )
