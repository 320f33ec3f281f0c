"""Project members and the surveys they answer from inside the app (any step).

Which published surveys a member may answer now, and whether a panel member
may see a survey's results yet. Reads only; taking part is recorded by
amhe.surveys.responding.submit (ADR 0007).
"""

from __future__ import annotations

from django.utils import timezone

from amhe.core.models import Role
from amhe.surveys import responding
from amhe.surveys.models import Survey, SurveyParticipation


def surveys_to_answer(user, project) -> list[Survey]:
    """The project's surveys taking answers now that this member has not taken part in."""
    if not user.is_authenticated:
        return []
    done = SurveyParticipation.objects.filter(user=user, survey__project=project).values("survey_id")
    candidates = (
        project.surveys.filter(state=Survey.State.PUBLISHED).exclude(pk__in=done).order_by("closes_at", "title")
    )
    now = timezone.now()
    return [survey for survey in candidates if responding.availability(survey, now) is None]


def results_hidden(user, membership, survey: Survey) -> bool:
    """Panel members see a survey's results once they have answered it or it has
    closed, so that what others said does not shape their own answers."""
    if membership.role != Role.PANEL:
        return False
    if responding.availability(survey) == responding.CLOSED:
        return False
    return not responding.took_part(user, survey)
