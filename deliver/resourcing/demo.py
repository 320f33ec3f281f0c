"""Demo data for 3A resourcing (Leeds only): two staff roles, one facility and
budget lines over this financial year and the next, all through the services.
Made up for the demo and marked illustrative."""

import datetime
from decimal import Decimal

from django.utils import timezone

from amhe.core.models import Role
from deliver.resourcing import selectors, services, years
from deliver.strategy import selectors as strategy_selectors

# (description, category, for the first intervention?, financial year: 0 this one, 1 the next, amount).
BUDGET = (
    ("Peer support workers' pay (illustrative)", "staff", True, 0, "96000"),
    ("Peer support workers' pay (illustrative)", "staff", True, 1, "128000"),
    ("Evening hub room hire (illustrative)", "facilities", True, 0, "7800"),
    ("Culturally appropriate care training for crisis teams (illustrative)", "training", False, 0, "18500"),
    ("Interpreting for out-of-hours assessments (illustrative)", "other", False, 1, "12000"),
)


def load(*, project, users, stdout) -> None:
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None or any(
        query.exists()
        for query in (
            selectors.staff_roles(strategy),
            selectors.facilities(strategy),
            selectors.budget_lines(strategy),
        )
    ):
        return
    interventions = list(strategy_selectors.interventions(strategy))
    if not interventions:
        return
    lead = users[Role.LEAD]
    first, last = interventions[0], interventions[-1]
    this_year = years.year_of(timezone.localdate())
    services.staff_role_create(
        by=lead,
        strategy=strategy,
        title="Peer support worker, band 4 (illustrative)",
        fte=Decimal("4"),
        intervention=first,
        funded_by="Mental health investment standard (illustrative)",
        start_date=years.starts(this_year),
        end_date=years.ends(this_year + 1),
    )
    services.staff_role_create(
        by=lead,
        strategy=strategy,
        title="Equality programme manager, band 7 (illustrative)",
        fte=Decimal("0.6"),
        intervention=None,
        funded_by="ICB transformation funding (illustrative)",
        start_date=years.starts(this_year) + datetime.timedelta(days=30),
        end_date=None,
    )
    services.facility_create(
        by=lead,
        strategy=strategy,
        name="Evening hub room (illustrative)",
        location="Chapeltown community centre, Leeds",
        purpose="A quiet room for the evening peer support service, four nights a week.",
        intervention=first,
    )
    for description, category, for_first, offset, amount in BUDGET:
        services.budget_line_create(
            by=lead,
            strategy=strategy,
            description=description,
            category=category,
            intervention=first if for_first else last,
            financial_year=this_year + offset,
            amount=Decimal(amount),
        )
    stdout.write(f"  {project.name}: 2 staff roles, 1 facility and {len(BUDGET)} budget lines")
