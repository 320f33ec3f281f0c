"""Updates recorded on one action at the same moment keep its log in date order, and the
action's status and RAG rating are the latest update's (threads with their own connections;
PostgreSQL in CI)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amhe.core.models import Role
from deliver.models import ActionUpdate
from deliver.tracking import services
from tests.factories import DeliveryActionFactory, InterventionFactory, StrategyFactory
from tests.integration.test_survey_single_use import run_together

pytestmark = pytest.mark.django_db(transaction=True)

STATES = [("in_progress", "green"), ("in_progress", "amber"), ("blocked", "red"), ("done", "green")]


def test_concurrent_updates_keep_the_log_in_date_order(project, member_of):
    lead = member_of(project, Role.LEAD)
    item = DeliveryActionFactory(
        intervention=InterventionFactory(strategy=StrategyFactory(project=project)), owner=lead
    )
    today = timezone.localdate()

    def record(i):
        status, rag = STATES[i]
        services.action_record_update(
            by=lead, action=item, date=today - datetime.timedelta(days=3 - i), status=status, rag=rag, note=f"{i}"
        )
        return "recorded"

    results = run_together(record, count=len(STATES))
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert all("cannot be before the latest one" in str(r) for r in refused), results
    assert results.count("recorded") + len(refused) == len(STATES), results
    log = list(ActionUpdate.objects.filter(action=item).order_by("pk"))
    assert len(log) == results.count("recorded") >= 1
    assert [u.date for u in log] == sorted(u.date for u in log)
    item.refresh_from_db()
    assert (item.status, item.rag) == (log[-1].status, log[-1].rag)
