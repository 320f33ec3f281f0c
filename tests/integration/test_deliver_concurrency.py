"""Two leads starting the strategy from the same agreed priority at the same
moment make one strategy with one intervention; the other is told the priority
already has one (threads with their own connections; PostgreSQL in CI)."""

import pytest
from django.core.exceptions import ValidationError

from amhe.core import taxonomy
from amhe.core.models import Role
from deliver.eia import services as eia_services
from deliver.models import EiaVersion, Intervention, Strategy
from deliver.strategy import services
from tests.factories import PriorityFactory, StrategyFactory
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


def test_concurrent_sign_offs_of_one_eia_record_one_decision(project, member_of):
    lead = member_of(project, Role.LEAD)
    governance = [member_of(project, Role.GOVERNANCE) for _ in range(4)]
    eia = eia_services.eia_create(by=lead, project=project, strategy=StrategyFactory(project=project))
    impacts = {key: {"impact": "neutral", "evidence": "None expected"} for key in taxonomy.CHARACTERISTICS}
    eia_services.eia_save(by=lead, eia=eia, impacts=impacts, submit=True)

    def decide(i):
        if i % 2:
            eia_services.eia_return(by=governance[i], eia=eia, comment=f"Comment {i}")
        else:
            eia_services.eia_sign_off(by=governance[i], eia=eia)
        return "decided"

    results = run_together(decide, count=len(governance))
    decided = [r for r in results if r == "decided"]
    refused = [r for r in results if isinstance(r, ValidationError) and "not waiting for sign-off" in str(r)]
    assert (len(decided), len(refused)) == (1, len(governance) - 1), results
    version = EiaVersion.objects.get(eia=eia)
    assert version.state in ("signed_off", "returned") and version.decided_by in governance


def test_concurrent_starts_of_one_eia_make_one(project, member_of):
    leads = [member_of(project, Role.LEAD) for _ in range(4)]
    strategy = StrategyFactory(project=project)

    def start(i):
        eia_services.eia_create(by=leads[i], project=project, strategy=strategy)
        return "made"

    results = run_together(start, count=len(leads))
    refused = [r for r in results if isinstance(r, ValidationError) and "already has" in str(r)]
    assert (results.count("made"), len(refused)) == (1, len(leads) - 1), results
    assert EiaVersion.objects.filter(eia__strategy=strategy).count() == 1
