"""Demo data for 3A measures (Leeds only): two measures defined on the demo crisis
referrals upload (identify/demo.py) through the services, their values worked out
by the same job the worker runs, and two goals measured by them, one agreed and one
in draft, which the demo strategy's interventions work towards."""

from datetime import date
from decimal import Decimal

from amhe.core import services as core_services
from amhe.core.models import Job, Measure, Role, SmartGoal
from deliver.measures import selectors, services
from deliver.strategy import selectors as strategy_selectors
from deliver.strategy import services as strategy_services
from identify.demo import REFERRALS_TITLE

NAME = "Crisis referrals per 100,000, Black or Black British (demo upload)"
DESCRIPTION = "Worked out from the demo upload's published figures; later uploads with the same columns add values."
GOAL = (
    "Fewer Black people in Leeds reach crisis services before they get help: bring crisis referrals per 100,000 "
    "Black or Black British people down by a fifth (illustrative)."
)
ACHIEVABLE = "The evening peer support service and crisis team training are funded from 2026 (illustrative)."
REALISTIC = "A fall of a fifth over three years is in line with what early-help pilots have reported (illustrative)."

RATIO_NAME = "Crisis referral rate ratio, Black or Black British to White (demo upload)"
RATIO_DESCRIPTION = "How many times the White rate the Black or Black British rate is, from the same published figures."
RATIO_GOAL = (
    "Close the gap: bring the crisis referral rate for Black or Black British people in Leeds closer to the rate "
    "for White people (illustrative)."
)


def _measure(*, analyst, project, upload, name, description, direction, figure, comparison=""):
    measure = Measure.objects.filter(project=project, name=name).first()
    if measure is None:
        measure = services.measure_define(
            by=analyst,
            project=project,
            name=name,
            direction=direction,
            description=description,
            extract=upload,
            dimension="ethnicity_high",
            figure=figure,
            group="BLACK",
            comparison=comparison,
        )
    for job in Job.objects.filter(kind=services.VALUES_FROM_SERIES, params__measure_id=measure.pk, state="queued"):
        core_services.job_run(job_id=job.pk)  # the worker's job, run here
    return measure


def _goal(*, lead, measure, statement, target, agreed, **parts) -> SmartGoal | None:
    baseline = measure.values.filter(value__isnull=False).order_by("-period_end").first()
    if baseline is None:
        return None
    goal = core_services.smart_goal_save(
        by=lead,
        goal=SmartGoal(project=measure.project, statement=statement, owner=lead, status="draft", **parts),
    )
    goal = services.goal_link_measure(
        by=lead,
        goal=goal,
        measure=measure,
        baseline=baseline,
        target_value=target(baseline.value),
        target_date=date(2029, 3, 31),
    )
    return core_services.smart_goal_agree(by=lead, goal=goal) if agreed else goal


def load(*, project, users, stdout) -> None:
    analyst, lead = users[Role.ANALYST], users[Role.LEAD]
    referrals = next((e for e in selectors.uploads_to_measure(project) if e.title == REFERRALS_TITLE), None)
    if referrals is None:
        return
    rate = _measure(
        analyst=analyst,
        project=project,
        upload=referrals,
        name=NAME,
        description=DESCRIPTION,
        direction=Measure.Direction.LOWER,
        figure="rate",
    )
    ratio = _measure(
        analyst=analyst,
        project=project,
        upload=referrals,
        name=RATIO_NAME,
        description=RATIO_DESCRIPTION,
        direction=Measure.Direction.CLOSER_TO_ONE,
        figure="rate_ratio",
        comparison="WHITE",
    )
    if SmartGoal.objects.filter(project=project, measure__in=[rate, ratio]).exists():
        return
    goals = [
        # Agreed: every SMART part, and the lead agreed it.
        _goal(
            lead=lead,
            measure=rate,
            statement=GOAL,
            target=lambda value: (value * Decimal("0.8")).quantize(Decimal("0.1")),
            agreed=True,
            achievable=ACHIEVABLE,
            realistic=REALISTIC,
        ),
        # Draft: measured from the data, with a target, but not yet said why it is achievable and realistic.
        _goal(
            lead=lead,
            measure=ratio,
            statement=RATIO_GOAL,
            target=lambda value: (1 + (value - 1) / 2).quantize(Decimal("0.01")),
            agreed=False,
        ),
    ]
    goals = [goal for goal in goals if goal is not None]
    strategy = strategy_selectors.strategy_of(project)
    if strategy is not None:
        for intervention in strategy_selectors.interventions(strategy):
            strategy_services.intervention_update(
                by=lead, intervention=intervention, goals=[*intervention.goals.all(), *goals]
            )
    stdout.write(
        f"  {project.name}: measures '{NAME}' and '{RATIO_NAME}' from the demo upload, "
        f"with {len(goals)} goal(s) measured by them"
    )
