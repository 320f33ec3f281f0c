"""Demo data for 3C (Leeds only): a small risk register, one risk past its
review date, and a decision log, all through the services. Made up for the
demo and marked illustrative."""

import datetime

from django.utils import timezone

from amhe.core.models import Role
from deliver.decisions import selectors as decision_selectors
from deliver.decisions import services as decision_services
from deliver.risks import selectors, services
from deliver.strategy import selectors as strategy_selectors

DAY = datetime.timedelta(days=1)

RISKS = (
    {
        "title": "Too few peer supporters for evening cover (illustrative)",
        "description": "The evening service needs two peer supporters a night; six are trained so far.",
        "cause": "Recruitment through community groups is slower than planned.",
        "effect": "Evenings without cover; people turned away to A&E.",
        "likelihood": 4,
        "impact": 3,
        "target_likelihood": 2,
        "target_impact": 3,
        "controls": "Rota shared with Touchstone; bank staff on call.",
        "actions": "Second recruitment round through Chapeltown faith groups.",
        "due_in_days": 45,
    },
    {
        # Past its review date: last reviewed four months ago, review due a month ago.
        "title": "Interpreters not booked for out-of-hours assessments (illustrative)",
        "description": "Out-of-hours Mental Health Act assessments go ahead without an interpreter.",
        "likelihood": 3,
        "impact": 4,
        "target_likelihood": 1,
        "target_impact": 4,
        "controls": "Telephone interpreting contract.",
        "actions": "Book by default; audit monthly.",
        "reviewed_days_ago": 120,
        "due_in_days": -30,
    },
)


def _risk_fields(fields, today):
    fields = dict(fields)
    fields["review_date"] = today + fields.pop("due_in_days") * DAY
    reviewed = fields.pop("reviewed_days_ago", None)
    if reviewed is not None:
        fields["last_reviewed"] = today - reviewed * DAY
    return fields


def load(*, project, users, stdout) -> None:
    if selectors.risks(project) or decision_selectors.decisions(project).exists():
        return
    lead = users[Role.LEAD]
    owner = users.get(Role.GOVERNANCE, lead)
    today = timezone.localdate()
    risks = [
        services.risk_create(by=owner, project=project, owner=owner, **_risk_fields(fields, today)) for fields in RISKS
    ]
    strategy = strategy_selectors.strategy_of(project)
    intervention = strategy_selectors.interventions(strategy).first() if strategy else None
    decision_services.decision_create(
        by=owner,
        project=project,
        decided_on=today - 60 * DAY,
        decision="Adopt the strategy's interventions for the first year (illustrative).",
        made_by="Leeds mental health equality board, October meeting",
        rationale="They come from the agreed priorities and the evidence behind them; the panel supported them.",
        intervention=intervention,
    )
    decision_services.decision_create(
        by=owner,
        project=project,
        decided_on=today - 14 * DAY,
        decision="Fund telephone interpreting out of hours until the default booking is in place (illustrative).",
        made_by="Governance group",
        rationale="Assessments without an interpreter are a risk to people's rights and to the strategy's aims.",
        risk=risks[1],
    )
    stdout.write(f"  {project.name}: {len(risks)} risks and 2 decisions")
