"""Step 4, Evaluate. Its features hang off the step overview."""

from amhe.core.views import step_overview


def overview(request, project_id):
    return step_overview(request, project_id=project_id, step_number=4)
