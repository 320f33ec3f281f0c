"""One access helper per kind of record (identify.selectors for 1A uploads,
identify.community.selectors for 1B records, research.plans.selectors for 2B
diagrams and their boxes, deliver.<area>.selectors for 3A and 3C,
evaluate.benchmarking.selectors for 4A): the record of the user's project (the
organisation's, for assets), 404 for a record of another project and for a
non-member, 403 for a role without the action."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from amhe.core.access import Action
from amhe.core.models import Role
from deliver.decisions import selectors as decision_selectors
from deliver.measures import selectors as measure_selectors
from deliver.risks import selectors as risk_selectors
from deliver.strategy import selectors as strategy_selectors
from evaluate.benchmarking import selectors as benchmark_selectors
from evaluate.feedback import selectors as feedback_selectors
from evaluate.instruments import selectors as instrument_selectors
from identify import selectors as identify_selectors
from identify.community import selectors
from research.evidence import selectors as evidence_selectors
from research.ngt import selectors as ngt_selectors
from research.plans import selectors as plans_selectors
from research.practice import selectors as practice_selectors
from research.priorities import selectors as priority_selectors
from tests.factories import (
    BenchmarkFactory,
    CaseStudyAttachmentFactory,
    CaseStudyFactory,
    CommunityAssetFactory,
    CommunityInputFactory,
    ComparatorFactory,
    DecisionFactory,
    DiagramFactory,
    DiagramNodeFactory,
    ExtractFactory,
    FocusGroupFactory,
    InitiativeFactory,
    InstrumentFactory,
    InterventionFactory,
    MeasureFactory,
    NgtIdeaFactory,
    NgtSessionFactory,
    PriorityFactory,
    ProjectFactory,
    ReferenceFactory,
    RiskFactory,
    SmartGoalFactory,
    StrategyFactory,
    SurveyFactory,
    SurveyInstrumentFactory,
    ThemeFactory,
    YouSaidWeDidFactory,
)

pytestmark = pytest.mark.django_db

# helper, how to make a record of `project`, the action its pages need by default
KINDS = {
    "upload": (identify_selectors.extract_for, lambda p: ExtractFactory(project=p), Action.VIEW),
    "focus group": (selectors.focus_group_for, lambda p: FocusGroupFactory(project=p), Action.ENGAGE),
    "community input": (selectors.community_input_for, lambda p: CommunityInputFactory(project=p), Action.ENGAGE),
    "asset": (selectors.asset_for, lambda p: CommunityAssetFactory(organisation=p.organisation), Action.VIEW),
    "theme": (selectors.theme_for, lambda p: ThemeFactory(project=p), Action.VIEW),
    "reference": (evidence_selectors.reference_for, lambda p: ReferenceFactory(project=p), Action.VIEW),
    "initiative": (evidence_selectors.initiative_for, lambda p: InitiativeFactory(project=p), Action.VIEW),
    "priority": (priority_selectors.priority_for, lambda p: PriorityFactory(project=p), Action.VIEW),
    "case study": (practice_selectors.case_study_for, lambda p: CaseStudyFactory(project=p), Action.VIEW),
    "diagram": (plans_selectors.diagram_for, lambda p: DiagramFactory(project=p), Action.VIEW),
    "intervention": (
        strategy_selectors.intervention_for,
        lambda p: InterventionFactory(strategy=StrategyFactory(project=p)),
        Action.VIEW,
    ),
    "risk": (risk_selectors.risk_for, lambda p: RiskFactory(project=p), Action.VIEW),
    "decision": (decision_selectors.decision_for, lambda p: DecisionFactory(project=p), Action.VIEW),
    "measure": (measure_selectors.measure_for, lambda p: MeasureFactory(project=p), Action.VIEW),
    "goal": (measure_selectors.goal_for, lambda p: SmartGoalFactory(project=p), Action.VIEW),
    "NGT session": (ngt_selectors.session_for, lambda p: NgtSessionFactory(project=p), Action.VIEW),
    "you said, we did entry": (feedback_selectors.entry_for, lambda p: YouSaidWeDidFactory(project=p), Action.VIEW),
    "benchmark": (benchmark_selectors.benchmark_for, lambda p: BenchmarkFactory(project=p), Action.VIEW),
    "instrument in a survey": (
        instrument_selectors.use_for,
        lambda p: SurveyInstrumentFactory(survey=SurveyFactory(project=p)),
        Action.VIEW,
    ),
}


@pytest.fixture(params=KINDS, ids=str)
def kind(request):
    return KINDS[request.param]


def test_a_member_gets_the_record_of_their_project(kind, project, member_of):
    helper, make, _ = kind
    record = make(project)
    found_project, membership, found = helper(member_of(project, Role.ANALYST), project.pk, record.pk)
    assert (found_project, found) == (project, record)
    assert membership.role == Role.ANALYST


def test_a_record_of_another_project_is_not_found(kind, project, member_of):
    helper, make, _ = kind
    elsewhere = make(ProjectFactory())
    with pytest.raises(Http404):
        helper(member_of(project, Role.LEAD), project.pk, elsewhere.pk)


def test_a_non_member_gets_not_found(kind, project, other_org_user):
    helper, make, _ = kind
    record = make(project)
    with pytest.raises(Http404):
        helper(other_org_user, project.pk, record.pk)


def test_the_action_is_checked(kind, project, member_of):
    helper, make, default = kind
    record = make(project)
    viewer = member_of(project, Role.VIEWER)
    if default == Action.VIEW:
        assert helper(viewer, project.pk, record.pk)[2] == record
    with pytest.raises(PermissionDenied):
        helper(viewer, project.pk, record.pk, Action.ENGAGE)


def test_an_asset_is_reached_from_any_project_of_its_organisation(project, member_of):
    sibling = ProjectFactory(organisation=project.organisation)
    asset = CommunityAssetFactory(organisation=project.organisation)
    assert selectors.asset_for(member_of(sibling, Role.VIEWER), sibling.pk, asset.pk)[2] == asset


# --- 2A attachments, and the shared helpers (the only cross-organisation read) -----------


def test_an_attachment_is_found_only_under_its_own_case_study(project, member_of, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = member_of(project, Role.LEAD)
    attachment = CaseStudyAttachmentFactory(case_study=CaseStudyFactory(project=project))
    other_case_study = CaseStudyFactory(project=project)
    found = practice_selectors.attachment_for(lead, project.pk, attachment.case_study_id, attachment.pk)
    assert found[2] == attachment
    with pytest.raises(Http404):
        practice_selectors.attachment_for(lead, project.pk, other_case_study.pk, attachment.pk)
    with pytest.raises(PermissionDenied):
        practice_selectors.attachment_for(
            member_of(project, Role.VIEWER), project.pk, attachment.case_study_id, attachment.pk, Action.RECORD_PRACTICE
        )


def test_shared_helpers_find_only_shared_case_studies(project, other_org_user, settings, tmp_path):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    attachment = CaseStudyAttachmentFactory(case_study=CaseStudyFactory(project=project))
    case_study = attachment.case_study
    with pytest.raises(Http404):
        practice_selectors.shared_case_study_for(other_org_user, case_study.pk)
    with pytest.raises(Http404):
        practice_selectors.shared_attachment_for(other_org_user, case_study.pk, attachment.pk)
    case_study.sharing, case_study.reviewed_at = "shared", timezone.now()
    case_study.save()
    assert practice_selectors.shared_case_study_for(other_org_user, case_study.pk) == case_study
    assert practice_selectors.shared_attachment_for(other_org_user, case_study.pk, attachment.pk) == attachment
    with pytest.raises(Http404):
        practice_selectors.shared_case_study_for(AnonymousUser(), case_study.pk)


# --- 2B: a box is found through its diagram, and needs Action.PLAN (leads) ----------------


def test_a_lead_gets_a_box_of_a_diagram_of_their_project(project, member_of):
    node = DiagramNodeFactory(diagram=DiagramFactory(project=project))
    found = plans_selectors.node_for(member_of(project, Role.LEAD), project.pk, node.diagram_id, node.pk)
    assert (found[0], found[2]) == (project, node)


def test_a_box_is_not_found_under_another_diagram_or_project(project, member_of, other_org_user):
    lead = member_of(project, Role.LEAD)
    node = DiagramNodeFactory(diagram=DiagramFactory(project=project))
    other_diagram = DiagramFactory(project=project)
    with pytest.raises(Http404):
        plans_selectors.node_for(lead, project.pk, other_diagram.pk, node.pk)
    elsewhere = DiagramNodeFactory(diagram=DiagramFactory(project=ProjectFactory()))
    with pytest.raises(Http404):
        plans_selectors.node_for(lead, project.pk, elsewhere.diagram_id, elsewhere.pk)
    with pytest.raises(Http404):
        plans_selectors.node_for(other_org_user, project.pk, node.diagram_id, node.pk)


def test_changing_a_box_needs_the_plan_action(project, member_of):
    node = DiagramNodeFactory(diagram=DiagramFactory(project=project))
    for role in (Role.ANALYST, Role.GOVERNANCE, Role.PANEL, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            plans_selectors.node_for(member_of(project, role), project.pk, node.diagram_id, node.pk)


# --- 2B: an NGT idea is found through its session, and needs Action.PLAN (leads) -----------


def test_an_idea_is_found_only_under_its_own_session_and_project(project, member_of, other_org_user):
    lead = member_of(project, Role.LEAD)
    idea = NgtIdeaFactory(session=NgtSessionFactory(project=project), number=1)
    found = ngt_selectors.idea_for(lead, project.pk, idea.session_id, idea.pk)
    assert (found[0], found[2]) == (project, idea)
    other_session = NgtSessionFactory(project=project)
    with pytest.raises(Http404):
        ngt_selectors.idea_for(lead, project.pk, other_session.pk, idea.pk)
    elsewhere = NgtIdeaFactory(session=NgtSessionFactory(project=ProjectFactory()), number=1)
    with pytest.raises(Http404):
        ngt_selectors.idea_for(lead, project.pk, elsewhere.session_id, elsewhere.pk)
    with pytest.raises(Http404):
        ngt_selectors.idea_for(other_org_user, project.pk, idea.session_id, idea.pk)
    for role in (Role.ANALYST, Role.GOVERNANCE, Role.PANEL, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            ngt_selectors.idea_for(member_of(project, role), project.pk, idea.session_id, idea.pk)


def test_a_comparator_is_found_only_under_its_own_benchmark_and_project(project, member_of, other_org_user):
    lead = member_of(project, Role.LEAD)
    comparator = ComparatorFactory(benchmark=BenchmarkFactory(project=project))
    other = BenchmarkFactory(project=project)
    found = benchmark_selectors.comparator_for(lead, project.pk, comparator.benchmark_id, comparator.pk)
    assert found[3] == comparator
    with pytest.raises(Http404):
        benchmark_selectors.comparator_for(lead, project.pk, other.pk, comparator.pk)
    with pytest.raises(Http404):
        benchmark_selectors.comparator_for(other_org_user, project.pk, comparator.benchmark_id, comparator.pk)
    with pytest.raises(PermissionDenied):
        benchmark_selectors.comparator_for(
            member_of(project, Role.VIEWER), project.pk, comparator.benchmark_id, comparator.pk, Action.EVALUATE
        )


def test_an_instrument_is_one_shipped_or_the_organisations_own(project, member_of, other_org_user):
    """4A: the PHQ-9 for every project; a team's own instrument for its organisation's projects only."""
    lead = member_of(project, Role.LEAD)
    own = InstrumentFactory(organisation=project.organisation)
    theirs = InstrumentFactory()
    assert instrument_selectors.instrument_for(lead, project.pk, "phq-9")[2]["name"].startswith("PHQ-9")
    assert instrument_selectors.instrument_for(lead, project.pk, own.key)[3] == own
    for key in (theirs.key, "c0", "phq-10", "cx"):
        with pytest.raises(Http404):
            instrument_selectors.instrument_for(lead, project.pk, key)
    with pytest.raises(Http404):
        instrument_selectors.instrument_for(other_org_user, project.pk, "phq-9")
    with pytest.raises(PermissionDenied):
        instrument_selectors.instrument_for(member_of(project, Role.VIEWER), project.pk, own.key, Action.EVALUATE)
