"""Whose a record is (amhe.core.ownership): the walk the audit log and the retention purge share."""

import pytest

from amhe.core import ownership
from amhe.core.models import Organisation, Project, SmartGoal
from research.models import DiagramNode
from tests.factories import CommunityAssetFactory, DiagramFactory, DiagramNodeFactory, JobFactory, SmartGoalFactory


def names(path):
    return [field.name for field in path]


def test_paths_go_the_most_direct_way_and_never_through_a_person():
    assert names(ownership.paths(DiagramNode, Project)[0]) == ["diagram", "project"]
    assert ownership.organisation_lookup(DiagramNode) == "diagram__project__organisation_id"
    # A goal's owner is a person of some organisation: the goal is its project's.
    assert all("owner" not in names(path) for path in ownership.paths(SmartGoal, Organisation))
    assert ownership.organisation_lookup(SmartGoal) == "project__organisation_id"
    assert ownership.organisation_lookup(Organisation) is None


@pytest.mark.django_db
def test_the_project_of_a_record_is_found_through_its_keys_that_are_set(project):
    node = DiagramNodeFactory(diagram=DiagramFactory(project=project))
    assert ownership.project_of(node) == project
    assert ownership.project_of(project) is project
    assert ownership.project_of(SmartGoalFactory(project=project)) == project
    assert ownership.project_of(JobFactory(project=project)) == project
    assert ownership.project_of(JobFactory(project=None)) is None  # its optional project is not set
    assert ownership.project_of(CommunityAssetFactory(organisation=project.organisation)) is None
