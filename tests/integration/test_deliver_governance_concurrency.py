"""Two changes to one project's governance structure at the same moment cannot make a
circle together: each takes the project's lock, so the second sees the first (threads with
their own connections; PostgreSQL in CI)."""

import pytest
from django.core.exceptions import ValidationError

from amhe.core.models import Role
from deliver.governance import presenters, selectors, services
from deliver.models import GovernanceGroup
from tests.factories import GovernanceGroupFactory
from tests.integration.test_survey_single_use import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_groups_made_to_report_to_each_other_at_once_make_no_circle(project, member_of):
    lead = member_of(project, Role.LEAD)
    first = GovernanceGroupFactory(project=project, name="Board")
    second = GovernanceGroupFactory(project=project, name="Committee")
    pairs = [(first.pk, second.pk), (second.pk, first.pk)]

    def report(i):
        group_id, parent_id = pairs[i]
        group = GovernanceGroup.objects.get(pk=group_id)
        services.group_update(by=lead, group=group, reports_to=GovernanceGroup.objects.get(pk=parent_id))
        return "saved"

    results = run_together(report, count=2)
    assert results.count("saved") == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "already reports to this group" in str(refused[0]), results
    parents = dict(GovernanceGroup.objects.filter(project=project).values_list("pk", "reports_to"))
    assert list(parents.values()).count(None) == 1
    tree = presenters.tree(selectors.groups(project))
    assert len(tree) == 1 and len(tree[0].children) == 1
