"""Demo data for 3A measures (Leeds only): a measure defined on the demo crisis
referrals upload (identify/demo.py) through the services, its values worked out
by the same job the worker runs, and a draft goal measured by it."""

from datetime import date
from decimal import Decimal

from amhe.core import services as core_services
from amhe.core.models import Job, Measure, Role, SmartGoal
from deliver.measures import selectors, services
from identify.demo import REFERRALS_TITLE

NAME = "Crisis referrals per 100,000, Black or Black British (demo upload)"
DESCRIPTION = "Worked out from the demo upload's published figures; later uploads with the same columns add values."
GOAL = (
    "Fewer Black people in Leeds reach crisis services before they get help: bring crisis referrals per 100,000 "
    "Black or Black British people down by a fifth (illustrative)."
)


def load(*, project, users, stdout) -> None:
    analyst, lead = users[Role.ANALYST], users[Role.LEAD]
    referrals = next((e for e in selectors.uploads_to_measure(project) if e.title == REFERRALS_TITLE), None)
    if referrals is None:
        return
    measure = Measure.objects.filter(project=project, name=NAME).first()
    if measure is None:
        measure = services.measure_define(
            by=analyst,
            project=project,
            name=NAME,
            direction=Measure.Direction.LOWER,
            description=DESCRIPTION,
            extract=referrals,
            dimension="ethnicity_high",
            figure="rate",
            group="BLACK",
        )
    for job in Job.objects.filter(kind=services.VALUES_FROM_SERIES, params__measure_id=measure.pk, state="queued"):
        core_services.job_run(job_id=job.pk)  # the worker's job, run here
    baseline = measure.values.filter(value__isnull=False).order_by("-period_end").first()
    if baseline is None or SmartGoal.objects.filter(project=project, measure=measure).exists():
        return
    goal = core_services.smart_goal_save(
        by=lead, goal=SmartGoal(project=project, statement=GOAL, owner=lead, status=SmartGoal.Status.DRAFT)
    )
    services.goal_link_measure(
        by=lead,
        goal=goal,
        measure=measure,
        baseline=baseline,
        target_value=(baseline.value * Decimal("0.8")).quantize(Decimal("0.1")),
        target_date=date(2028, 3, 31),
    )
    stdout.write(f"  {project.name}: measure '{NAME}' with {measure.values.count()} value(s) from the demo upload")
