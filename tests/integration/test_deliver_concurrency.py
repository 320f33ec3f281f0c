"""Two leads starting the strategy from the same agreed priority at the same
moment make one strategy with one intervention; the other is told the priority
already has one (threads with their own connections; PostgreSQL in CI)."""

import pytest
from django.core.exceptions import ValidationError

from amhe.core.models import Role
from deliver.models import Intervention, Strategy
from deliver.strategy import services
from tests.factories import PriorityFactory
from tests.integration.test_survey_single_use import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_starts_make_one_strategy_and_one_intervention_per_priority(project, member_of):
    leads = [member_of(project, Role.LEAD) for _ in range(4)]
    priority = PriorityFactory(project=project, state="agreed", title="Evening peer support")

    def start(i):
        services.strategy_start_from_priorities(by=leads[i], project=project, priorities=[priority], title=f"S{i}")
        return "made"

    results = run_together(start, count=len(leads))
    made = [r for r in results if r == "made"]
    refused = [r for r in results if isinstance(r, ValidationError) and "already has an intervention" in str(r)]
    assert (len(made), len(refused)) == (1, len(leads) - 1), results
    assert Strategy.objects.filter(project=project).count() == 1
    assert Intervention.objects.filter(strategy__project=project).count() == 1
