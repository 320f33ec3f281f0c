"""Retention of unfinished survey responses (amhe.core.retention).

A response started but never sent is destroyed, with its answers, once the
organisation's `retain_abandoned_responses_days` have passed since its survey
closed: at its closing date (`closes_at`), or when it was closed by hand (the last
change of its history that left it closed). A survey closed by hand whose history
is gone is not counted as closed, so its unfinished responses are kept rather than
destroyed on a guess. Sent responses are never touched here."""

from django.db.models import OuterRef, Q, Subquery

from amhe.core import retention
from amhe.surveys.models import Survey, SurveyResponse

SETTING = "retain_abandoned_responses_days"


def expired(organisation, as_of):
    before = retention.cutoff(organisation, SETTING, as_of)
    closed_by_hand = (
        Survey.history.filter(id=OuterRef("survey_id"), state=Survey.State.CLOSED)
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return (
        SurveyResponse.objects.filter(
            survey__project__organisation=organisation, state=SurveyResponse.State.IN_PROGRESS
        )
        .annotate(closed_by_hand_at=Subquery(closed_by_hand))
        .filter(Q(survey__closes_at__lt=before) | Q(survey__state=Survey.State.CLOSED, closed_by_hand_at__lt=before))
    )


def purge(organisation, as_of) -> int:
    return retention.delete_with_history(expired(organisation, as_of))


retention.register(
    retention.RetentionKind(
        key="abandoned_responses",
        label="Unfinished survey responses",
        setting=SETTING,
        expired=expired,
        purge=purge,
    )
)
