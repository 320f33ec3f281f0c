"""Background jobs of the survey engine (see amhe/surveys/figures.py).

`surveys.figures` works out a survey's published results and stores them. It is
idempotent: it does nothing when the stored figures are already current, and
otherwise replaces them in one transaction, so running it again (after a
worker died, or twice for the same request) does no harm."""

from django.db import transaction
from django.utils import timezone

from amhe.core.jobs import job_kind
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import figures as survey_figures
from amhe.surveys import results as survey_results
from amhe.surveys import signals
from amhe.surveys.models import Survey, SurveyFigures


@job_kind(survey_figures.KIND, title="Working out survey results")
def work_out_figures(job, report):
    survey = Survey.objects.select_related("project__organisation").filter(pk=job.params.get("survey_id")).first()
    if survey is None:
        return {"already": "deleted"}
    rule = suppression_rule_for(survey.project)
    with transaction.atomic():
        row = survey_figures.lock_row(survey)
        wanted = row.requested  # every change counted so far has committed: the answers read below include it
    if survey_figures.is_current(row, rule):
        return {"already": "current", "responses": row.responses_counted}
    report(10, "Reading the answers")
    frame = survey_results.build_frame(survey)
    inputs = survey_figures.inputs_hash(frame, rule)
    unchanged = row.ready and row.inputs_hash == inputs and row.figures.get("version") == survey_figures.VERSION
    data = None
    if not unchanged:
        report(30, "Working out the figures")
        data = survey_figures.compute(frame, rule)
    report(90, "Saving the figures")
    with transaction.atomic():
        row = survey_figures.lock_row(survey)
        if row.computed > wanted and row.suppression_rule == rule.key:
            return {"already": "newer figures stored"}
        fields = {
            "computed": wanted,
            "computed_at": timezone.now(),
            "responses_counted": frame.submitted,
            "inputs_hash": inputs,
            "suppression_rule": rule.key,
        }
        if data is not None:
            fields["figures"] = data
        SurveyFigures.objects.filter(pk=row.pk).update(**fields)
        if row.requested > wanted:  # changed while this job worked: one more, unless one is waiting
            survey_figures.enqueue_unless_waiting(row, survey, None)
        survey_id = str(survey.pk)
        # Steps (e.g. Evaluate's PREM and PROM measures) hear about it once the figures are committed.
        transaction.on_commit(lambda: signals.figures_stored.send(sender=Survey, survey_id=survey_id))
    return {"responses": frame.submitted, "recomputed": data is not None}
