"""Demo data for 3B (Leeds only): two milestones and four actions of the demo
strategy's interventions, one of them overdue, with a few dated updates, all
through the services. Made up for the demo and marked illustrative."""

import datetime

from django.utils import timezone

from amhe.core.models import Role
from deliver.strategy import selectors as strategy_selectors
from deliver.tracking import selectors, services

DAY = datetime.timedelta(days=1)

MILESTONES = (
    ("Evening peer support service open (illustrative)", 60),
    ("Every crisis team trained in culturally appropriate care (illustrative)", 150),
)

# (intervention: first or last, milestone index or None, title, due in days, starting status and RAG,
#  blockers, next step, updates as (days ago, status, RAG, note)).
ACTIONS = (
    (
        "first",
        0,
        "Recruit and train eight peer supporters (illustrative)",
        45,
        ("not_started", "green"),
        "",
        "Second recruitment round through Chapeltown faith groups.",
        (
            (40, "in_progress", "green", "Recruitment open through Touchstone and community groups."),
            (10, "in_progress", "amber", "Six recruited and trained; two more needed for evening cover."),
        ),
    ),
    (
        # Overdue: due twelve days ago and not done.
        "first",
        None,
        "Agree the evening venue with the Chapeltown community centre (illustrative)",
        -12,
        ("not_started", "green"),
        "The lease terms are not agreed: the centre's trustees meet next month.",
        "Ask the ICB's estates team to join the next meeting.",
        (
            (30, "in_progress", "green", "Centre keen; draft lease shared."),
            (5, "in_progress", "red", "Trustees postponed the decision; the due date has passed."),
        ),
    ),
    (
        "last",
        1,
        "Commission culturally appropriate care training (illustrative)",
        -20,
        ("in_progress", "green"),
        "",
        "",
        ((25, "done", "green", "Contract signed with a local provider led by people with lived experience."),),
    ),
    (
        "last",
        1,
        "Run the first training sessions for crisis teams (illustrative)",
        120,
        ("not_started", "green"),
        "",
        "Book dates with the crisis team managers.",
        (),
    ),
)


def load(*, project, users, stdout) -> None:
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None or selectors.actions(strategy).exists() or selectors.milestones(strategy).exists():
        return
    interventions = list(strategy_selectors.interventions(strategy))
    if not interventions:
        return
    lead = users[Role.LEAD]
    owners = [users.get(Role.GOVERNANCE, lead), lead]
    today = timezone.localdate()
    milestones = [
        services.milestone_create(by=lead, strategy=strategy, title=title, due_date=today + days * DAY)
        for title, days in MILESTONES
    ]
    for number, (which, milestone, title, due, (status, rag), blockers, next_step, updates) in enumerate(ACTIONS):
        item = services.action_create(
            by=lead,
            strategy=strategy,
            intervention=interventions[0] if which == "first" else interventions[-1],
            milestone=milestones[milestone] if milestone is not None else None,
            title=title,
            owner=owners[number % 2],
            due_date=today + due * DAY,
            status=status,
            rag=rag,
            blockers=blockers,
            next_step=next_step,
        )
        for days_ago, new_status, new_rag, note in updates:
            services.action_record_update(
                by=item.owner, action=item, date=today - days_ago * DAY, status=new_status, rag=new_rag, note=note
            )
    stdout.write(f"  {project.name}: {len(milestones)} milestones and {len(ACTIONS)} actions")
