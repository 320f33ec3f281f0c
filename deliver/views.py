"""Step 3, Deliver: the step's page. Each area of the step lives in its own
sub-package (deliver/<area>/) and adds what the step page shows to
_overview_context and deliver/overview.html."""

from amhe.core import access
from amhe.core.access import Action
from amhe.core.views import step_overview
from deliver.approvals.views import overview_context as approvals_context
from deliver.decisions.views import overview_context as decisions_context
from deliver.eia.views import overview_context as eia_context
from deliver.governance.views import overview_context as governance_context
from deliver.measures.views import overview_context as measures_context
from deliver.resourcing.views import overview_context as resourcing_context
from deliver.risks.views import overview_context as risks_context
from deliver.strategy.views import overview_context as strategy_context
from deliver.tracking.views import overview_context as tracking_context


def _overview_context(request, project, membership):
    return {
        **strategy_context(request, project, membership),
        **measures_context(request, project, membership),
        **eia_context(request, project, membership),
        **resourcing_context(request, project, membership),
        **tracking_context(request, project, membership),
        **risks_context(request, project, membership),
        **decisions_context(request, project, membership),
        **governance_context(request, project, membership),
        **approvals_context(request, project, membership),
        "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
    }


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=3, template="deliver/overview.html", extra=_overview_context
    )
