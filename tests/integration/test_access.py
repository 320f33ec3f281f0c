"""Per-project authorisation, login and security headers.

Every project-scoped URL is found by walking the URL resolver, so a URL added
later is checked without anyone remembering to add it here.
"""

import datetime
import re
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlsafe_base64_decode

from amhe.core.access import ROLE_ACTIONS, Action
from amhe.core.models import AuditEvent, Job, Project, Role, SmartGoal, SubStepStatus
from api import services as api_services
from evaluate.instruments.catalogue import PHQ9
from evaluate.models import InstrumentUpload, InstrumentUploadPeriod, Review
from reports.models import Report, Schedule
from tests.factories import (
    PASSWORD,
    ActionUpdateFactory,
    AnswerFactory,
    AssessmentFactory,
    BenchmarkFactory,
    BreakdownFactory,
    BudgetLineFactory,
    CaseStudyAttachmentFactory,
    CaseStudyFactory,
    CommunityAssetFactory,
    CommunityInputFactory,
    CommunityInputLinkFactory,
    ComparatorFactory,
    DecisionFactory,
    DeliveryActionFactory,
    DiagramFactory,
    DiagramNodeFactory,
    EiaFactory,
    EiaVersionFactory,
    ExtractFactory,
    FacilityFactory,
    FocusGroupFactory,
    GovernanceGroupFactory,
    GovernanceMeetingFactory,
    InitiativeFactory,
    InstrumentFactory,
    InterventionFactory,
    JobFactory,
    MeasureFactory,
    MeasureRebaseFactory,
    MembershipFactory,
    MilestoneFactory,
    NgtIdeaFactory,
    NgtSessionFactory,
    PopulationFactory,
    PriorityFactory,
    ProjectFactory,
    ProjectInvitationFactory,
    QualityReportFactory,
    QuestionBankItemFactory,
    QuestionFactory,
    ReferenceFactory,
    RiskFactory,
    SmartGoalFactory,
    StaffRoleFactory,
    StrategyFactory,
    SurveyFactory,
    SurveyInstrumentFactory,
    SurveyResponseFactory,
    ThemeFactory,
    UserFactory,
    YouSaidWeDidFactory,
)
from tests.integration.test_smart_goals import goal_post  # fills the form whatever its date widget

pytestmark = pytest.mark.django_db

# Kwargs that name a project object: a URL with one of these is project-scoped.
SCOPED_KWARGS = {
    "project_id",
    "goal_id",
    "job_id",
    "membership_id",
    "population_id",
    "extract_id",
    "survey_id",
    "question_id",
    "item_id",
    "focus_group_id",
    "input_id",
    "asset_id",
    "theme_id",
    "invitation_id",
    "reference_id",
    "initiative_id",
    "priority_id",
    "case_study_id",
    "attachment_id",
    "diagram_id",
    "node_id",
    "intervention_id",
    "risk_id",
    "decision_id",
    "eia_id",
    "session_id",
    "idea_id",
    "measure_id",
    "rebase_id",
    "action_id",
    "milestone_id",
    "framework_id",
    "assessment_id",
    "rating_id",
    "staff_role_id",
    "facility_id",
    "budget_line_id",
    "group_id",
    "meeting_id",
    "entry_id",
    "benchmark_id",
    "comparator_id",
    "report_id",
    "schedule_id",
    "use_id",
    "upload_id",
    "api_token_id",
    # The organisation's own pages (its settings): its accounts only, like a project's.
    "organisation_id",
}
# Every kwarg a project-scoped URL may have, and so must be fillable here.
FILLABLE_KWARGS = SCOPED_KWARGS | {
    "code",
    "language",
    "token",
    "page",
    "characteristic",
    "step",
    "version",
    "instrument",
}

# What each role may do, written out from the brief (not read from ROLE_ACTIONS,
# so a change to the matrix shows up here as a failure).
ROLES_ALLOWED = {
    Action.VIEW: {Role.LEAD, Role.ANALYST, Role.PANEL, Role.GOVERNANCE, Role.VIEWER},
    Action.UPDATE_PROGRESS: {Role.LEAD, Role.ANALYST, Role.GOVERNANCE},
    Action.EDIT_GOALS: {Role.LEAD, Role.GOVERNANCE},
    Action.AGREE_GOALS: {Role.LEAD},
    Action.EDIT_PROJECT: {Role.LEAD},
    Action.MANAGE_MEMBERS: {Role.LEAD},
    Action.UPLOAD_DATA: {Role.ANALYST},
    Action.ENGAGE: {Role.LEAD, Role.ANALYST},
    Action.RESEARCH: {Role.LEAD, Role.ANALYST},
    Action.AGREE_PRIORITIES: {Role.LEAD},
    Action.GIVE_VIEWS: {Role.PANEL},
    Action.RECORD_PRACTICE: {Role.LEAD},
    Action.REVIEW_SHARING: {Role.GOVERNANCE},
    Action.PLAN: {Role.LEAD},
    Action.EVALUATE: {Role.LEAD, Role.ANALYST},
    Action.EDIT_STRATEGY: {Role.LEAD},
    Action.COMMENT_STRATEGY: {Role.PANEL},
    Action.GOVERN: {Role.LEAD, Role.GOVERNANCE},
    Action.DEFINE_MEASURES: {Role.LEAD, Role.ANALYST},
    Action.SIGN_OFF_EIA: {Role.GOVERNANCE},
    Action.APPROVE: {Role.GOVERNANCE},
    Action.TRACK_DELIVERY: {Role.LEAD},
    Action.ASSESS: {Role.LEAD, Role.GOVERNANCE},
    Action.PUBLISH_FEEDBACK: {Role.LEAD},
    Action.REVIEW_CYCLE: {Role.LEAD},
    Action.BUILD_REPORTS: {Role.LEAD, Role.GOVERNANCE, Role.ANALYST},
    Action.READ_HISTORY: {Role.LEAD, Role.GOVERNANCE},
    Action.MANAGE_RETENTION: {Role.GOVERNANCE},
    # The API tokens page: leads, analysts and governance leads (api.access.MAY_USE_API);
    # revoking another member's token (the world's is the lead's): leads only.
    "use_api": {Role.LEAD, Role.ANALYST, Role.GOVERNANCE},
    "revoke_any_token": {Role.LEAD},
    # An organisation's own frameworks: written by its admin for frameworks (a user of the
    # organisation with Django's "Can change framework" permission), never by a project role
    # alone; test_framework_editing.py covers the admin.
    "manage_frameworks": set(),
    # Deleting an upload: its uploader or a lead. The world's extract was uploaded by
    # the lead, so the analyst here is not its uploader.
    "delete_extract": {Role.LEAD},
}
# The action a GET of each URL needs; any other project-scoped URL needs VIEW.
URL_ACTION = {
    "reports:list": Action.BUILD_REPORTS,
    "reports:report": Action.BUILD_REPORTS,
    "reports:download": Action.BUILD_REPORTS,
    "reports:schedule-new": Action.BUILD_REPORTS,
    "reports:schedule-edit": Action.BUILD_REPORTS,
    "reports:schedule-cancel": Action.BUILD_REPORTS,
    "core:substep-edit": Action.UPDATE_PROGRESS,
    "core:goal-new": Action.EDIT_GOALS,
    "core:goal-edit": Action.EDIT_GOALS,
    # Approvals: goal editors submit a change to an agreed goal, leads the strategy;
    # governance leads approve or return them.
    "core:goal-submit": Action.EDIT_GOALS,
    "core:goal-decide": Action.APPROVE,
    "deliver:strategy-submit": Action.EDIT_STRATEGY,
    "deliver:strategy-decide": Action.APPROVE,
    "core:project-edit": Action.EDIT_PROJECT,
    "core:population-new": Action.EDIT_PROJECT,
    "core:population-edit": Action.EDIT_PROJECT,
    "core:member-edit": Action.MANAGE_MEMBERS,
    "core:invitation-cancel": Action.MANAGE_MEMBERS,
    "identify:extract-new": Action.UPLOAD_DATA,
    "identify:extract-delete": "delete_extract",
    # 1B: building, distributing and entering surveys, and record-level exports.
    "surveys:survey-new": Action.ENGAGE,
    "surveys:survey-edit": Action.ENGAGE,
    "surveys:question-new": Action.ENGAGE,
    "surveys:question-edit": Action.ENGAGE,
    "surveys:question-delete": Action.ENGAGE,
    "surveys:question-move": Action.ENGAGE,
    "surveys:question-save-to-bank": Action.ENGAGE,
    "surveys:question-bank": Action.ENGAGE,
    "surveys:question-bank-add": Action.ENGAGE,
    "surveys:question-bank-delete": Action.ENGAGE,
    "surveys:survey-translate": Action.ENGAGE,
    "surveys:survey-publish": Action.ENGAGE,
    "surveys:survey-close": Action.ENGAGE,
    "surveys:survey-share": Action.ENGAGE,
    "surveys:survey-qr": Action.ENGAGE,
    "surveys:survey-invitations": Action.ENGAGE,
    "surveys:survey-invitations-csv": Action.ENGAGE,
    "surveys:survey-coding": Action.ENGAGE,
    "surveys:survey-responses-csv": Action.ENGAGE,
    "surveys:survey-responses-xlsx": Action.ENGAGE,
    "surveys:survey-enter": Action.ENGAGE,
    # 1B community pages (focus groups, community input, assets): listed below.
    "identify:focus-group-new": Action.ENGAGE,
    "identify:focus-group": Action.ENGAGE,
    "identify:focus-group-edit": Action.ENGAGE,
    "identify:focus-group-delete": Action.ENGAGE,
    "identify:community-input-new": Action.ENGAGE,
    "identify:community-input": Action.ENGAGE,
    "identify:community-input-delete": Action.ENGAGE,
    "identify:community-input-link": Action.ENGAGE,
    "identify:asset-new": Action.ENGAGE,
    "identify:asset-edit": Action.ENGAGE,
    "identify:asset-delete": Action.ENGAGE,
    "identify:assets-import": Action.ENGAGE,
    "identify:assets-import-template": Action.ENGAGE,
    # 2A evidence base and existing initiatives, 2C priorities.
    "research:reference-new": Action.RESEARCH,
    "research:reference-edit": Action.RESEARCH,
    "research:reference-delete": Action.RESEARCH,
    "research:references-import": Action.RESEARCH,
    "research:references-import-template": Action.RESEARCH,
    "research:initiative-new": Action.RESEARCH,
    "research:initiative-edit": Action.RESEARCH,
    "research:initiative-delete": Action.RESEARCH,
    "research:priority-new": Action.RESEARCH,
    "research:priority-edit": Action.RESEARCH,
    "research:priority-delete": Action.RESEARCH,
    "research:priority-agree": Action.AGREE_PRIORITIES,
    "research:priority-give-view": Action.GIVE_VIEWS,
    # 2A positive practice: recording, attaching and sharing (leads), reviewing (governance).
    "research:practice-new": Action.RECORD_PRACTICE,
    "research:practice-edit": Action.RECORD_PRACTICE,
    "research:practice-delete": Action.RECORD_PRACTICE,
    "research:practice-attachment-new": Action.RECORD_PRACTICE,
    "research:practice-attachment-delete": Action.RECORD_PRACTICE,
    "research:practice-sharing": Action.RECORD_PRACTICE,
    "research:practice-review": Action.REVIEW_SHARING,
    # 2B driver diagrams and theories of change: members view, leads build.
    "research:diagram-new": Action.PLAN,
    "research:diagram-edit": Action.PLAN,
    "research:diagram-delete": Action.PLAN,
    "research:node-new": Action.PLAN,
    "research:node-edit": Action.PLAN,
    "research:node-delete": Action.PLAN,
    # 3A strategy: members read it, leads write it, panel members comment on it.
    "deliver:strategy-edit": Action.EDIT_STRATEGY,
    "deliver:strategy-start": Action.EDIT_STRATEGY,
    "deliver:strategy-comment": Action.COMMENT_STRATEGY,
    "deliver:intervention-new": Action.EDIT_STRATEGY,
    "deliver:intervention-edit": Action.EDIT_STRATEGY,
    "deliver:intervention-delete": Action.EDIT_STRATEGY,
    # 3C risk register and decision log: members read them, leads and governance leads keep them.
    "deliver:risk-new": Action.GOVERN,
    "deliver:risk-edit": Action.GOVERN,
    "deliver:risk-delete": Action.GOVERN,
    "deliver:decision-new": Action.GOVERN,
    "deliver:decision-edit": Action.GOVERN,
    "deliver:decision-delete": Action.GOVERN,
    "deliver:eia-new": Action.EDIT_STRATEGY,
    "deliver:eia-edit": Action.EDIT_STRATEGY,
    "deliver:eia-submit": Action.EDIT_STRATEGY,
    "deliver:eia-decide": Action.SIGN_OFF_EIA,
    # 3A measures: members read them, analysts and leads define them, goal editors link goals to them.
    "deliver:measure-new": Action.DEFINE_MEASURES,
    "deliver:measure-define": Action.DEFINE_MEASURES,
    "deliver:measure-refresh": Action.DEFINE_MEASURES,
    "deliver:goal-measure": Action.EDIT_GOALS,
    # 3B milestones and actions: members read them, leads keep them; a lead or the action's
    # owner records updates (the world's action is the lead's own).
    "deliver:action-new": Action.TRACK_DELIVERY,
    "deliver:action-edit": Action.TRACK_DELIVERY,
    "deliver:action-update": Action.TRACK_DELIVERY,
    "deliver:action-delete": Action.TRACK_DELIVERY,
    "deliver:milestone-new": Action.TRACK_DELIVERY,
    "deliver:milestone-edit": Action.TRACK_DELIVERY,
    "deliver:milestone-delete": Action.TRACK_DELIVERY,
    # 3A resourcing: members read it, leads keep it.
    "deliver:staff-role-new": Action.EDIT_STRATEGY,
    "deliver:staff-role-edit": Action.EDIT_STRATEGY,
    "deliver:staff-role-delete": Action.EDIT_STRATEGY,
    "deliver:facility-new": Action.EDIT_STRATEGY,
    "deliver:facility-edit": Action.EDIT_STRATEGY,
    "deliver:facility-delete": Action.EDIT_STRATEGY,
    "deliver:budget-line-new": Action.EDIT_STRATEGY,
    "deliver:budget-line-edit": Action.EDIT_STRATEGY,
    "deliver:budget-line-delete": Action.EDIT_STRATEGY,
    # 3C governance structure: members read it, leads and governance leads keep it.
    "deliver:governance-group-new": Action.GOVERN,
    "deliver:governance-group-edit": Action.GOVERN,
    "deliver:governance-group-delete": Action.GOVERN,
    "deliver:governance-meeting-new": Action.GOVERN,
    "deliver:governance-meeting-edit": Action.GOVERN,
    "deliver:governance-meeting-delete": Action.GOVERN,
    # Audit history (goals and Deliver's records): governance leads and leads read it.
    "core:goal-history": Action.READ_HISTORY,
    # The organisation's settings (retention periods and the purge's dry run): its governance leads.
    "core:organisation-settings": Action.MANAGE_RETENTION,
    "deliver:history": Action.READ_HISTORY,
    "deliver:strategy-history": Action.READ_HISTORY,
    "deliver:intervention-history": Action.READ_HISTORY,
    "deliver:eia-history": Action.READ_HISTORY,
    "deliver:action-history": Action.READ_HISTORY,
    "deliver:milestone-history": Action.READ_HISTORY,
    "deliver:risk-history": Action.READ_HISTORY,
    "deliver:decision-history": Action.READ_HISTORY,
    # 2B NGT sessions: members see sessions and results, the facilitator (a lead) runs them.
    "research:ngt-new": Action.PLAN,
    "research:ngt-phase": Action.PLAN,
    "research:ngt-screen": Action.PLAN,
    "research:ngt-screen-json": Action.PLAN,
    "research:ngt-qr": Action.PLAN,
    "research:ngt-idea-new": Action.PLAN,
    "research:ngt-idea-merge": Action.PLAN,
    "research:ngt-idea-priority": Action.PLAN,
    "research:ngt-paper-new": Action.PLAN,
    # 4A measures over time: members see the SPC charts, leads and analysts set rebase dates.
    "evaluate:rebase-new": Action.EVALUATE,
    "evaluate:rebase-delete": Action.EVALUATE,
    # 4A self-assessments: members read them, leads and governance leads record them; a low
    # rating becomes a Deliver action only for leads (the world's rating is low).
    "evaluate:assessment-new": Action.ASSESS,
    "evaluate:assessment-edit": Action.ASSESS,
    "evaluate:rating-edit": Action.ASSESS,
    "evaluate:rating-action": Action.TRACK_DELIVERY,
    # 4B feedback: members read it; leads and analysts open forms (as any survey); leads
    # write and publish "you said, we did" and run the public page.
    "evaluate:feedback-form-new": Action.ENGAGE,
    "evaluate:feedback-page": Action.PUBLISH_FEEDBACK,
    "evaluate:ysd-new": Action.PUBLISH_FEEDBACK,
    "evaluate:ysd-edit": Action.PUBLISH_FEEDBACK,
    "evaluate:ysd-publish": Action.PUBLISH_FEEDBACK,
    "evaluate:ysd-delete": Action.PUBLISH_FEEDBACK,
    # 4A benchmarking: everyone reads; leads and analysts write.
    "evaluate:benchmark-new": Action.EVALUATE,
    "evaluate:benchmark-edit": Action.EVALUATE,
    "evaluate:benchmark-delete": Action.EVALUATE,
    "evaluate:comparator-new": Action.EVALUATE,
    "evaluate:comparator-upload": Action.EVALUATE,
    "evaluate:comparator-peers": Action.EVALUATE,
    "evaluate:comparator-delete": Action.EVALUATE,
    # 4C review: members read it, leads write it and start the next cycle, panel members add views.
    "evaluate:review-edit": Action.REVIEW_CYCLE,
    "evaluate:review-goal": Action.REVIEW_CYCLE,
    "evaluate:review-complete": Action.REVIEW_CYCLE,
    "evaluate:review-next-cycle": Action.REVIEW_CYCLE,
    "evaluate:review-view": Action.GIVE_VIEWS,
    "evaluate:review-view-remove": Action.GIVE_VIEWS,
    # 4A PREMs and PROMs: members see instruments and scores; leads and analysts define
    # instruments, add them to surveys and take them out; measuring one needs DEFINE_MEASURES.
    "evaluate:instrument-new": Action.EVALUATE,
    "evaluate:instrument-use-remove": Action.EVALUATE,
    "evaluate:instrument-measure": Action.DEFINE_MEASURES,
    # Uploading an instrument's scores is the analyst's (as any upload); everyone reads the published figures.
    "evaluate:instrument-upload": Action.UPLOAD_DATA,
    "evaluate:framework-new": "manage_frameworks",
    "evaluate:framework-edit": "manage_frameworks",
    "evaluate:framework-copy": "manage_frameworks",
    # The project's API tokens: make and revoke your own; a lead revokes anyone's.
    "api:tokens": "use_api",
    "api:token-revoke": "revoke_any_token",
}
# The app's only cross-organisation pages (2A shared positive practice): no project in
# the URL, every signed-in user of every organisation may open them, but only for a
# case study a reviewer approved for sharing. The world's case study is not shared,
# so they are 404 for everyone in the walks; test_shared_case_study_* share it.
SHARED_ACROSS_ORGANISATIONS = {"research-shared:case-study", "research-shared:attachment"}
# A survey's results, hidden from panel members until they have answered it or it has
# closed (403 with a page saying so); test_panel_member_sees_results_once_answered.
HIDDEN_FROM_PANEL_UNTIL_ANSWERED = {
    "surveys:survey-results",
    "surveys:survey-question-results",
    "surveys:survey-themes",
    "surveys:survey-results-csv",
    "surveys:survey-results-xlsx",
    "evaluate:instrument-use",  # an instrument's scores in the survey (4A)
}
# Pages an anonymous visitor may open. Everything else sends them to log in.
# /s/, /r/ and /c/: a survey's links, a respondent's own resume link and the
# community-input link; /f/: a project's public feedback page ("you said, we did");
# /n/ and /np/: joining an NGT session and a participant's own pages (unguessable
# tokens, no login). Under /accounts/: logging in, password resets, single sign-on's start and
# callback (404 unless configured; tests/integration/test_sso.py) and accepting an
# invitation to a project (its own token).
# /api/: the read-only API, outside the login but never without a bearer token (the
# session is not accepted there); its own walks are in test_api.py.
PUBLIC_PREFIXES = ("/api/", "/accounts/", "/accessibility/", "/health/", "/s/", "/r/", "/c/", "/f/", "/n/", "/np/")
ALL_ROLES = [Role.LEAD, Role.ANALYST, Role.PANEL, Role.GOVERNANCE, Role.VIEWER]


# --- URL discovery -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # e.g. "projects/<int:project_id>/goals/<int:goal_id>/"
    name: str | None  # namespaced, e.g. "core:goal-edit"
    kwargs: frozenset[str]
    namespace: str | None


def _walk(patterns, prefix="", namespace=None, kwargs=frozenset()):
    for pattern in patterns:
        names = kwargs | set(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns, frozenset(names))
        elif isinstance(pattern, URLPattern):
            full_name = None
            if pattern.name:
                full_name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(prefix + str(pattern.pattern), full_name, frozenset(names), namespace)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def project_scoped_routes() -> list[Route]:
    # The API (/api/v1/) answers bearer tokens only, never a session: test_api.py walks it.
    routes = [r for r in all_routes() if r.kwargs & SCOPED_KWARGS and r.namespace != "api-v1"]
    unfillable = [r for r in routes if not r.kwargs <= FILLABLE_KWARGS or r.name is None]
    assert not unfillable, (
        "Project-scoped URL patterns this test cannot fill (add their kwargs to FILLABLE_KWARGS "
        f"and the world fixture, and name the pattern): {unfillable}"
    )
    return routes


# URLs that need a particular object for a kwarg: {url name: {kwarg: key in World.values()}}.
ROUTE_VALUES = {"surveys:survey-coding": {"question_id": "text_question_id"}}


def url_for(route: Route, values: dict) -> str:
    keys = ROUTE_VALUES.get(route.name, {})
    return reverse(route.name, kwargs={k: values[keys.get(k, k)] for k in route.kwargs})


def needed_action(route: Route) -> Action:
    return URL_ACTION.get(route.name, Action.VIEW)


# --- Fixtures ------------------------------------------------------------------


@dataclass
class World:
    project: Project
    goal: SmartGoal
    job: Job
    lead: object
    population: object
    extract: object
    survey: object
    question: object
    text_question: object
    bank_item: object
    focus_group: object
    community_input: object
    asset: object
    theme: object
    invitation: object
    reference: object
    initiative: object
    priority: object
    case_study: object
    attachment: object
    diagram: object
    node: object
    intervention: object
    risk: object
    decision: object
    eia: object
    ngt_session: object
    ngt_idea: object
    rebase: object
    milestone: object
    action: object
    assessment: object
    rating: object
    staff_role: object
    facility: object
    budget_line: object
    governance_group: object
    meeting: object
    ysd_entry: object
    benchmark: object
    comparator: object
    review: object
    report: object
    schedule: object
    instrument: object
    instrument_use: object
    instrument_upload: object
    api_token: object

    def values(self) -> dict:
        return {
            "project_id": self.project.pk,
            "organisation_id": self.project.organisation_id,
            "goal_id": self.goal.pk,
            "job_id": self.job.pk,
            "code": "1A",
            "step": self.survey.step_slug,  # the survey's step (1B: identify)
            "membership_id": self.project.memberships.get(user=self.lead).pk,
            "population_id": self.population.pk,
            "extract_id": self.extract.pk,
            "survey_id": self.survey.pk,
            "question_id": self.question.pk,
            "text_question_id": self.text_question.pk,
            "item_id": self.bank_item.pk,
            "language": "pl",
            "focus_group_id": self.focus_group.pk,
            "input_id": self.community_input.pk,
            "asset_id": self.asset.pk,
            "theme_id": self.theme.pk,
            "invitation_id": self.invitation.pk,
            "reference_id": self.reference.pk,
            "initiative_id": self.initiative.pk,
            "priority_id": self.priority.pk,
            "case_study_id": self.case_study.pk,
            "attachment_id": self.attachment.pk,
            "diagram_id": self.diagram.pk,
            "node_id": self.node.pk,
            "intervention_id": self.intervention.pk,
            "risk_id": self.risk.pk,
            "decision_id": self.decision.pk,
            "eia_id": self.eia.pk,
            "version": 1,
            "session_id": self.ngt_session.pk,
            "idea_id": self.ngt_idea.pk,
            "measure_id": self.goal.measure_id,  # the world's goal's measure, which has the rebase
            "rebase_id": self.rebase.pk,
            "milestone_id": self.milestone.pk,
            "action_id": self.action.pk,
            "framework_id": self.assessment.framework_id,
            "assessment_id": self.assessment.pk,
            "rating_id": self.rating.pk,
            "staff_role_id": self.staff_role.pk,
            "facility_id": self.facility.pk,
            "budget_line_id": self.budget_line.pk,
            "group_id": self.governance_group.pk,
            "meeting_id": self.meeting.pk,
            "entry_id": self.ysd_entry.pk,
            "benchmark_id": self.benchmark.pk,
            "comparator_id": self.comparator.pk,
            "report_id": self.report.pk,
            "schedule_id": self.schedule.pk,
            "instrument": self.instrument.key,  # the organisation's own instrument (4A)
            "use_id": self.instrument_use.pk,
            "upload_id": self.instrument_upload.pk,
            "api_token_id": self.api_token.pk,
            "token": self.survey.open_token,
            "page": 1,
            "characteristic": "ethnicity-high",  # the world's breakdown, by ethnicity_high
        }

    def bogus_values(self) -> dict:
        return {
            "project_id": 999_999,
            "organisation_id": 999_999,
            "goal_id": 999_999,
            "job_id": uuid.uuid4(),
            "code": "1A",
            "step": self.survey.step_slug,  # the survey's step (1B: identify)
            "membership_id": 999_999,
            "population_id": 999_999,
            "extract_id": uuid.uuid4(),
            "survey_id": uuid.uuid4(),
            "question_id": 999_999,
            "text_question_id": 999_999,
            "item_id": 999_999,
            "language": "pl",
            "focus_group_id": 999_999,
            "input_id": 999_999,
            "asset_id": 999_999,
            "theme_id": 999_999,
            "invitation_id": 999_999,
            "reference_id": 999_999,
            "initiative_id": 999_999,
            "priority_id": 999_999,
            "case_study_id": 999_999,
            "attachment_id": 999_999,
            "diagram_id": 999_999,
            "node_id": 999_999,
            "intervention_id": 999_999,
            "risk_id": 999_999,
            "decision_id": 999_999,
            "eia_id": 999_999,
            "version": 1,
            "session_id": 999_999,
            "idea_id": 999_999,
            "measure_id": 999_999,
            "rebase_id": 999_999,
            "milestone_id": 999_999,
            "action_id": 999_999,
            "framework_id": 999_999,
            "assessment_id": 999_999,
            "rating_id": 999_999,
            "staff_role_id": 999_999,
            "facility_id": 999_999,
            "budget_line_id": 999_999,
            "group_id": 999_999,
            "meeting_id": 999_999,
            "entry_id": 999_999,
            "benchmark_id": 999_999,
            "comparator_id": 999_999,
            "report_id": uuid.uuid4(),
            "schedule_id": 999_999,
            "instrument": "c999999",
            "use_id": 999_999,
            "upload_id": 999_999,
            "api_token_id": 999_999,
            "token": "no-such-token",
            "page": 1,
            "characteristic": "ethnicity-high",
        }


def world_of(project, lead, **given) -> World:
    """A World of `project`: the objects `given`, and a plain one of each kind not given
    (the export-safety test gives its own hostile ones and reuses the rest)."""
    plain = {
        "goal": lambda: SmartGoalFactory(project=project, owner=lead, measure=MeasureFactory(project=project)),
        "job": lambda: JobFactory(project=project, created_by=lead),
        "bank_item": lambda: QuestionBankItemFactory(organisation=project.organisation, created_by=lead),
        "focus_group": lambda: FocusGroupFactory(project=project, created_by=lead),
        "community_input": lambda: CommunityInputFactory(project=project),
        "asset": lambda: CommunityAssetFactory(organisation=project.organisation),
        "invitation": lambda: ProjectInvitationFactory(project=project, invited_by=lead),
        "reference": lambda: ReferenceFactory(project=project, doi="10.1192/bjp.2019.22"),
        "initiative": lambda: InitiativeFactory(project=project, characteristics=["race"]),
        "priority": lambda: PriorityFactory(project=project, characteristics=["race"]),
        "case_study": lambda: CaseStudyFactory(project=project, created_by=lead),
        "diagram": lambda: DiagramFactory(project=project, created_by=lead),
        "ngt_session": lambda: NgtSessionFactory(project=project, created_by=lead),
    }
    made = {kind: make() for kind, make in plain.items() if kind not in given}
    if "attachment" not in given:
        made["attachment"] = CaseStudyAttachmentFactory(case_study=given.get("case_study") or made["case_study"])
    if "node" not in given:
        # 2B: the diagram's aim, with a primary driver serving it (the URL names the aim).
        diagram = given.get("diagram") or made["diagram"]
        made["node"] = DiagramNodeFactory(diagram=diagram, kind="aim", text="Fewer detentions")
        DiagramNodeFactory(diagram=diagram, kind="primary", text="Earlier help").parents.set([made["node"]])
    if "intervention" not in given:
        # 3A: the project's strategy, with an intervention from the world's priority.
        intervention = InterventionFactory(strategy=StrategyFactory(project=project))
        intervention.priorities.add(given.get("priority") or made["priority"])
        made["intervention"] = intervention
    if "milestone" not in given:
        # 3B: a milestone of the strategy, and an action of the intervention towards it, owned by the lead.
        intervention = given.get("intervention") or made["intervention"]
        made["milestone"] = MilestoneFactory(strategy=intervention.strategy)
    if "action" not in given:
        made["action"] = DeliveryActionFactory(
            intervention=given.get("intervention") or made["intervention"],
            milestone=given.get("milestone") or made["milestone"],
            owner=lead,
        )
        ActionUpdateFactory(action=made["action"], by=lead)
    if "risk" not in given:
        made["risk"] = RiskFactory(project=project, owner=lead)
    if "decision" not in given:
        made["decision"] = DecisionFactory(project=project, risk=made["risk"])
    if "eia" not in given:
        # 3A: an equality impact assessment of the strategy, its first version a draft.
        intervention = given.get("intervention") or made["intervention"]
        made["eia"] = EiaFactory(strategy=intervention.strategy)
        EiaVersionFactory(eia=made["eia"], created_by=lead)
    if "staff_role" not in given:
        # 3A resourcing: a staff role, a facility and a budget line of the world's intervention.
        intervention = given.get("intervention") or made["intervention"]
        made["staff_role"] = StaffRoleFactory(strategy=intervention.strategy, intervention=intervention)
    if "facility" not in given:
        intervention = given.get("intervention") or made["intervention"]
        made["facility"] = FacilityFactory(strategy=intervention.strategy, intervention=intervention)
    if "budget_line" not in given:
        intervention = given.get("intervention") or made["intervention"]
        made["budget_line"] = BudgetLineFactory(strategy=intervention.strategy, intervention=intervention)
    if "governance_group" not in given:
        # 3C: a programme board reporting to a committee, chaired by the lead, with a meeting.
        committee = GovernanceGroupFactory(project=project, name="Quality committee")
        made["governance_group"] = GovernanceGroupFactory(project=project, reports_to=committee, chair=lead)
    if "meeting" not in given:
        made["meeting"] = GovernanceMeetingFactory(group=given.get("governance_group") or made["governance_group"])
    if "ngt_idea" not in given:
        made["ngt_idea"] = NgtIdeaFactory(session=given.get("ngt_session") or made["ngt_session"], number=1)
    if "rebase" not in given:
        # 4A: a rebase date of the goal's measure (the URL names the measure).
        goal = given.get("goal") or made["goal"]
        made["rebase"] = MeasureRebaseFactory(measure=goal.measure)
    if "assessment" not in given:
        # 4A: an EDS 2022 self-assessment whose first outcome is rated low (it offers an action).
        made["assessment"] = AssessmentFactory(project=project, created_by=lead)
    if "rating" not in given:
        made["rating"] = (given.get("assessment") or made["assessment"]).ratings.order_by("pk").first()
        made["rating"].rating, made["rating"].evidence = 1, "Access data by ethnicity"
        made["rating"].save()
    if "ysd_entry" not in given:
        # 4B: a "you said, we did" entry (a draft).
        made["ysd_entry"] = YouSaidWeDidFactory(project=project, created_by=lead)
    if "benchmark" not in given:
        # 4A: a benchmark from the bundled Talking Therapies reference (so it has peers to add).
        made["benchmark"] = BenchmarkFactory(project=project, reference="tt-recovery-2024-25-black-or-black-british")
    if "comparator" not in given:
        made["comparator"] = ComparatorFactory(benchmark=given.get("benchmark") or made["benchmark"])
    if "review" not in given:
        # 4C: the project's review, being written (the URLs name only the project and a goal).
        made["review"] = Review.objects.create(project=project, participants="The lived experience panel")
    if "report" not in given:
        # A built progress report (its file a stand-in: only the export-safety test opens it).
        made["report"] = Report.objects.create(project=project, format="xlsx", made_by=lead)
        made["report"].file.save("report.xlsx", ContentFile(b"stand-in"))
    if "schedule" not in given:
        # A monthly progress report, emailed to the lead.
        made["schedule"] = Schedule.objects.create(project=project, formats=["pdf"], day=1, starts_on="2026-01-01")
        made["schedule"].recipients.add(project.memberships.get(user=lead))
    if "instrument" not in given:
        # 4A: the organisation's own instrument, and the FFT asked in the world's survey.
        made["instrument"] = InstrumentFactory(organisation=project.organisation, created_by=lead)
    if "instrument_use" not in given:
        made["instrument_use"] = SurveyInstrumentFactory(survey=given.get("survey"), created_by=lead)
    if "instrument_upload" not in given:
        # 4A: uploaded PHQ-9 scores (one period, no figures: the walks only open its page).
        made["instrument_upload"] = InstrumentUpload.objects.create(
            project=project, key="phq-9", name="PHQ-9", title="Clinic PHQ-9", definition=PHQ9, created_by=lead
        )
        InstrumentUploadPeriod.objects.create(
            upload=made["instrument_upload"],
            project=project,
            key="phq-9",
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2025, 4, 30),
        )
    if "api_token" not in given:
        # The lead's API token (the URL names it to revoke it).
        membership = project.memberships.get(user=lead)
        made["api_token"] = api_services.create_token(by=lead, membership=membership, name="Power BI")[0]
    return World(project=project, lead=lead, **given, **made)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments (2A) are stored in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(project, member_of):
    """A project with one object of every kind that has a URL."""
    lead = member_of(project, Role.LEAD)
    population = PopulationFactory(organisation=project.organisation)
    project.focus_populations.add(population)
    extract = ExtractFactory(project=project, uploaded_by=lead)
    QualityReportFactory(extract=extract)
    BreakdownFactory(extract=extract)
    # 1B: a published survey with a choice and a free-text question and one response.
    survey = SurveyFactory(project=project, created_by=lead, state="published", languages=["pl"])
    question = QuestionFactory(survey=survey, position=1)
    text_question = QuestionFactory(survey=survey, position=2, kind="text", options=[])
    response = SurveyResponseFactory(survey=survey, state="submitted")
    AnswerFactory(response=response, question=question, value="yes")
    AnswerFactory(response=response, question=text_question, value="Too long a wait")
    CommunityInputLinkFactory(project=project)
    return world_of(
        project,
        lead,
        population=population,
        extract=extract,
        survey=survey,
        question=question,
        text_question=text_question,
        theme=ThemeFactory(project=project),
    )


def db_snapshot() -> dict:
    """Every row of every core, identify, research, deliver, evaluate and reports model (history tables
    included), but the audit log, which records the refusals (test_other_organisation_gets_404_on_every_project_url)."""
    return {
        model._meta.label: sorted(repr(row) for row in model.objects.values_list())
        for app in ("core", "identify", "research", "deliver", "evaluate", "reports")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model is not AuditEvent
    }


def hostile_post_data(world: World) -> dict:
    """A POST body that would change things if any view accepted it."""
    return {
        **goal_post(world.project, world.lead, statement="Changed by an outsider"),
        "state": SubStepStatus.State.DONE,
        "note": "changed by an outsider",
        "role": Role.LEAD,
        "agree": "",
    }


# --- The URL walk itself -------------------------------------------------------


def test_the_walk_finds_every_known_project_url():
    names = {r.name for r in project_scoped_routes()}
    expected = {
        "core:project",
        "core:organisation-settings",
        "core:substep-edit",
        "core:members",
        "core:goals",
        "core:goal-new",
        "core:goal-edit",
        "core:job",
        "core:job-status",
        "identify:overview",
        "research:overview",
        "deliver:overview",
        "evaluate:overview",
        "core:project-edit",
        "core:member-edit",
        "core:population-new",
        "core:population-edit",
        "identify:extract-new",
        "identify:extract",
        "identify:extract-delete",
        "identify:quality",
        "identify:dashboard",
        "identify:dashboard-section",
        "identify:export",
        "surveys:survey-answer",
        "research:practice",
        "research:practice-case-study",
        "research:practice-attachment",
        "research-shared:case-study",
        "research-shared:attachment",
        "research:diagrams",
        "research:diagram",
        "research:diagram-svg",
        "research:node-edit",
        "deliver:strategy",
        "deliver:intervention",
        "deliver:risks",
        "deliver:risk",
        "deliver:measures",
        "deliver:measure",
        "deliver:measure-new",
        "deliver:measure-define",
        "deliver:measure-refresh",
        "deliver:goal-measure",
        "deliver:decisions",
        "deliver:decision-edit",
        "deliver:eias",
        "deliver:eia",
        "deliver:eia-new",
        "deliver:eia-edit",
        "deliver:eia-submit",
        "deliver:eia-decide",
        "deliver:eia-versions",
        "deliver:eia-version",
        "deliver:approvals",
        "deliver:strategy-submit",
        "deliver:strategy-decide",
        "core:goal-submit",
        "core:goal-decide",
        "deliver:tracking",
        "deliver:action",
        "deliver:action-update",
        "deliver:milestone-edit",
        "deliver:resourcing",
        "deliver:staff-role-new",
        "deliver:staff-role-edit",
        "deliver:staff-role-delete",
        "deliver:facility-new",
        "deliver:facility-edit",
        "deliver:facility-delete",
        "deliver:budget-line-new",
        "deliver:budget-line-edit",
        "deliver:budget-line-delete",
        "deliver:governance",
        "deliver:governance-group",
        "deliver:governance-group-new",
        "deliver:governance-group-edit",
        "deliver:governance-group-delete",
        "deliver:governance-meeting-new",
        "deliver:governance-meeting-edit",
        "deliver:governance-meeting-delete",
        "research:ngt-sessions",
        "research:ngt-session",
        "research:ngt-screen",
        "research:ngt-screen-json",
        "research:ngt-results",
        "research:ngt-idea-priority",
        "evaluate:measures",
        "evaluate:measure",
        "evaluate:rebase-new",
        "evaluate:rebase-delete",
        "evaluate:frameworks",
        "evaluate:framework",
        "evaluate:assessment-new",
        "evaluate:assessment",
        "evaluate:assessment-edit",
        "evaluate:rating-edit",
        "evaluate:rating-action",
        "evaluate:feedback",
        "evaluate:feedback-form-new",
        "evaluate:feedback-page",
        "evaluate:ysd-new",
        "evaluate:ysd-edit",
        "evaluate:ysd-publish",
        "evaluate:ysd-delete",
        "evaluate:benchmarks",
        "evaluate:benchmark",
        "evaluate:benchmark-new",
        "evaluate:benchmark-edit",
        "evaluate:benchmark-delete",
        "evaluate:comparator-new",
        "evaluate:comparator-upload",
        "evaluate:comparator-peers",
        "evaluate:comparator-delete",
        "evaluate:review",
        "evaluate:review-edit",
        "evaluate:review-goal",
        "evaluate:review-complete",
        "evaluate:review-next-cycle",
        "evaluate:review-view",
        "evaluate:review-view-remove",
        "reports:list",
        "reports:report",
        "reports:download",
        "reports:schedule-new",
        "reports:schedule-edit",
        "reports:schedule-cancel",
        "evaluate:instruments",
        "evaluate:instrument",
        "evaluate:instrument-new",
        "evaluate:instrument-measure",
        "evaluate:instrument-use",
        "evaluate:instrument-use-remove",
        "evaluate:instrument-upload",
        "evaluate:instrument-upload-results",
        "evaluate:framework-new",
        "evaluate:framework-edit",
        "evaluate:framework-copy",
        "api:tokens",
        "api:token-revoke",
    }
    assert expected <= names


# --- Outsiders, anonymous users and members -------------------------------------


def test_other_organisation_gets_404_on_every_project_url(client, world, other_org_user):
    client.force_login(other_org_user)
    routes = project_scoped_routes()
    for route in routes:
        url = url_for(route, world.values())
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
    # Each refusal is in the audit log, for the organisation whose project it was.
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED_404, user=other_org_user)
    assert refused.count() == len(routes)
    assert set(refused.values_list("outcome", flat=True)) == {"404"}
    on_project = refused.filter(project=world.project)
    assert on_project.count() == len([r for r in routes if "project_id" in r.kwargs])
    assert set(on_project.values_list("organisation_id", flat=True)) == {world.project.organisation_id}


def test_other_organisation_post_gets_404_and_changes_nothing(client, world, other_org_user):
    client.force_login(other_org_user)
    before = db_snapshot()
    data = hostile_post_data(world)
    for route in project_scoped_routes():
        url = url_for(route, world.values())
        response = client.post(url, data)
        if response.status_code == 405:
            # A GET-only view refuses POST before looking anything up. That is
            # only acceptable if it answers the same for an object that does
            # not exist, so the answer reveals nothing.
            assert "POST" not in response.headers["Allow"], url
            bogus = client.post(url_for(route, world.bogus_values()), data)
            assert bogus.status_code == 405, url
        else:
            assert response.status_code == 404, (url, response.status_code)
    assert db_snapshot() == before


def test_anonymous_is_sent_to_login_from_every_project_url(client, world):
    before = db_snapshot()
    login = reverse("login")
    for route in project_scoped_routes():
        url = url_for(route, world.values())
        for response in (client.get(url), client.post(url, hostile_post_data(world))):
            assert response.status_code == 302, url
            assert response.url.startswith(f"{login}?next="), (url, response.url)
    assert db_snapshot() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_member_gets_what_their_role_allows(client, world, role, member_of):
    user = world.lead if role == Role.LEAD else member_of(world.project, role)
    client.force_login(user)
    for route in project_scoped_routes():
        url = url_for(route, world.values())
        response = client.get(url)
        expected = 200 if role in ROLES_ALLOWED[needed_action(route)] else 403
        if role == Role.PANEL and route.name in HIDDEN_FROM_PANEL_UNTIL_ANSWERED:
            expected = 403
        if route.name in SHARED_ACROSS_ORGANISATIONS:
            expected = 404  # not shared, so not there, even for the project's own members
        assert response.status_code == expected, (role, url, response.status_code)


def test_panel_member_sees_results_once_answered(client, world, member_of):
    """Every results URL hidden from a panel member opens once they have taken part."""
    from amhe.surveys.models import SurveyParticipation

    panel = member_of(world.project, Role.PANEL)
    client.force_login(panel)
    routes = [r for r in project_scoped_routes() if r.name in HIDDEN_FROM_PANEL_UNTIL_ANSWERED]
    assert {r.name for r in routes} == HIDDEN_FROM_PANEL_UNTIL_ANSWERED
    for route in routes:
        response = client.get(url_for(route, world.values()))
        assert response.status_code == 403, route.name
        assert "You can see the results once you have answered" in response.content.decode(), route.name
    SurveyParticipation.objects.create(survey=world.survey, user=panel)
    for route in routes:
        assert client.get(url_for(route, world.values())).status_code == 200, route.name


def test_member_sees_project_content(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("core:project", kwargs={"project_id": world.project.pk}))
    assert response.status_code == 200
    assert world.project.name in response.content.decode()
    status = client.get(reverse("core:job-status", kwargs={"job_id": world.job.pk}))
    assert status.json()["state"] == Job.State.QUEUED


# --- Case studies shared beyond the organisation (2A) ------------------------------------


def shared_routes() -> list[Route]:
    routes = [r for r in all_routes() if r.name in SHARED_ACROSS_ORGANISATIONS]
    assert {r.name for r in routes} == SHARED_ACROSS_ORGANISATIONS
    return routes


def share(world, member_of):
    """The lead submits the world's case study and a governance lead of its organisation approves it."""
    from research.practice import services

    reviewer = member_of(world.project, Role.GOVERNANCE)
    services.sharing_submit(by=world.lead, case_study=world.case_study)
    services.sharing_review(by=reviewer, case_study=world.case_study, approve=True)
    world.case_study.refresh_from_db()
    return reviewer


def test_shared_case_study_is_all_other_organisations_reach(client, world, member_of, other_org_user):
    world.project.name = "Fairer crisis care in Harehills"
    world.project.save()
    unshared = CaseStudyFactory(project=world.project, created_by=world.lead, title="Unshared navigators")
    unshared_attachment = CaseStudyAttachmentFactory(case_study=unshared)
    client.force_login(other_org_user)
    for route in shared_routes():
        assert client.get(url_for(route, world.values())).status_code == 404, route.name

    share(world, member_of)
    for route in shared_routes():
        assert client.get(url_for(route, world.values())).status_code == 200, route.name
    download = client.get(url_for(next(r for r in shared_routes() if r.name.endswith("attachment")), world.values()))
    assert download.content.startswith(b"%PDF-")
    # Everything else of the project stays 404, the shared case study's own project pages too.
    for route in project_scoped_routes():
        if route.name not in SHARED_ACROSS_ORGANISATIONS:
            url = url_for(route, world.values())
            assert client.get(url).status_code == 404, url
    # An unshared case study and its attachment, also under the shared one's id.
    unshared_values = {**world.values(), "case_study_id": unshared.pk, "attachment_id": unshared_attachment.pk}
    for route in shared_routes():
        assert client.get(url_for(route, unshared_values)).status_code == 404, route.name
    mixed = {**world.values(), "attachment_id": unshared_attachment.pk}
    assert client.get(reverse("research-shared:attachment", kwargs=_shared_kwargs(mixed))).status_code == 404
    # The shared pages show the case study, not its project.
    page = client.get(reverse("research-shared:case-study", kwargs={"case_study_id": world.case_study.pk}))
    html = page.content.decode()
    assert world.case_study.title in html
    assert world.project.name not in html
    assert f"/projects/{world.project.pk}/" not in html
    listing = client.get(reverse("research-shared:search")).content.decode()
    assert world.case_study.title in listing
    assert unshared.title not in listing
    assert world.project.name not in listing


def _shared_kwargs(values):
    return {"case_study_id": values["case_study_id"], "attachment_id": values["attachment_id"]}


def test_case_study_is_shared_only_while_approved(client, world, member_of, other_org_user):
    from research.practice import services

    url = reverse("research-shared:case-study", kwargs={"case_study_id": world.case_study.pk})
    reviewer = member_of(world.project, Role.GOVERNANCE)
    client.force_login(other_org_user)

    services.sharing_submit(by=world.lead, case_study=world.case_study)
    assert client.get(url).status_code == 404  # submitted, not yet approved
    services.sharing_review(by=reviewer, case_study=world.case_study, approve=False, reason="Names a patient")
    assert client.get(url).status_code == 404  # declined
    services.sharing_submit(by=world.lead, case_study=world.case_study)
    services.sharing_review(by=reviewer, case_study=world.case_study, approve=True)
    assert client.get(url).status_code == 200
    # A change by the lead takes it off the shared list until it is approved again.
    services.case_study_update(by=world.lead, case_study=world.case_study, title="Navigators, second year")
    assert client.get(url).status_code == 404
    services.sharing_review(by=reviewer, case_study=world.case_study, approve=True)
    assert client.get(url).status_code == 200
    services.sharing_withdraw(by=world.lead, case_study=world.case_study)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # and nobody signed out reads a shared one


# --- Object-id guessing --------------------------------------------------------


def test_goal_of_another_project_under_own_project_url_is_404(client, world, member_of):
    project_b = ProjectFactory(organisation=world.project.organisation)
    goal_b = SmartGoalFactory(project=project_b, owner=member_of(project_b, Role.LEAD))
    client.force_login(world.lead)
    url = reverse("core:goal-edit", kwargs={"project_id": world.project.pk, "goal_id": goal_b.pk})
    assert client.get(url).status_code == 404
    before = db_snapshot()
    assert client.post(url, hostile_post_data(world)).status_code == 404
    assert db_snapshot() == before
    # and its own goal is fine
    own = reverse("core:goal-edit", kwargs={"project_id": world.project.pk, "goal_id": world.goal.pk})
    assert client.get(own).status_code == 200


def test_job_of_another_project_is_404(client, world):
    other_job = JobFactory(project=ProjectFactory(organisation=world.project.organisation))
    client.force_login(world.lead)
    for name in ("core:job", "core:job-status"):
        assert client.get(reverse(name, kwargs={"job_id": other_job.pk})).status_code == 404


def test_job_without_project_is_only_for_its_creator(client, world):
    someone_else = UserFactory()
    theirs = JobFactory(project=None, created_by=someone_else)
    mine = JobFactory(project=None, created_by=world.lead)
    client.force_login(world.lead)
    for name in ("core:job", "core:job-status"):
        assert client.get(reverse(name, kwargs={"job_id": theirs.pk})).status_code == 404
        assert client.get(reverse(name, kwargs={"job_id": mine.pk})).status_code == 200


def test_unknown_substep_code_is_404(client, world):
    client.force_login(world.lead)
    url = reverse("core:substep-edit", kwargs={"project_id": world.project.pk, "code": "9Z"})
    assert client.get(url).status_code == 404


# --- Role matrix ---------------------------------------------------------------

# role -> (may edit a sub-step, may create a goal, may agree a goal)
ROLE_MATRIX = {
    Role.LEAD: (True, True, True),
    Role.ANALYST: (True, False, False),
    Role.GOVERNANCE: (True, True, False),
    Role.PANEL: (False, False, False),
    Role.VIEWER: (False, False, False),
}


def test_role_matrix_covers_every_role():
    assert set(ROLE_MATRIX) == set(Role.values) == set(ROLE_ACTIONS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_substep_edit_by_role(client, world, member_of, role):
    may_edit = ROLE_MATRIX[role][0]
    user = world.lead if role == Role.LEAD else member_of(world.project, role)
    client.force_login(user)
    url = reverse("core:substep-edit", kwargs={"project_id": world.project.pk, "code": "1A"})
    response = client.post(url, {"state": SubStepStatus.State.DONE, "note": "Data reviewed"})
    status = world.project.substep_statuses.get(code="1A")
    if may_edit:
        assert response.status_code == 302
        assert status.state == SubStepStatus.State.DONE
        assert status.note == "Data reviewed"
        assert status.updated_by == user
    else:
        assert response.status_code == 403
        assert status.state == SubStepStatus.State.NOT_STARTED


@pytest.mark.parametrize("role", ALL_ROLES)
def test_goal_create_by_role(client, world, member_of, role):
    may_create = ROLE_MATRIX[role][1]
    user = world.lead if role == Role.LEAD else member_of(world.project, role)
    client.force_login(user)
    before = SmartGoal.objects.count()
    url = reverse("core:goal-new", kwargs={"project_id": world.project.pk})
    response = client.post(url, {**goal_post(world.project, world.lead), "save": ""})
    if may_create:
        assert response.status_code == 302
        assert SmartGoal.objects.count() == before + 1
        created = SmartGoal.objects.latest("pk")
        assert created.project == world.project
        assert created.status == SmartGoal.Status.DRAFT
    else:
        assert response.status_code == 403
        assert SmartGoal.objects.count() == before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_goal_agree_by_role(client, world, member_of, role):
    may_agree = ROLE_MATRIX[role][2]
    user = world.lead if role == Role.LEAD else member_of(world.project, role)
    client.force_login(user)
    url = reverse("core:goal-edit", kwargs={"project_id": world.project.pk, "goal_id": world.goal.pk})
    response = client.post(url, {**goal_post(world.project, world.lead), "agree": ""})
    world.goal.refresh_from_db()
    if may_agree:
        assert response.status_code == 302
        assert world.goal.status == SmartGoal.Status.AGREED
    else:
        assert response.status_code == 403
        assert world.goal.status == SmartGoal.Status.DRAFT


def test_changing_an_agreed_goal_sends_it_back_to_draft_for_the_lead(client, world, member_of):
    """Only the lead agrees goals, so a governance lead's change to an agreed goal
    is kept but the goal returns to draft until the lead agrees it again."""
    world.goal.status = SmartGoal.Status.AGREED
    world.goal.save()
    client.force_login(member_of(world.project, Role.GOVERNANCE))
    url = reverse("core:goal-edit", kwargs={"project_id": world.project.pk, "goal_id": world.goal.pk})
    response = client.post(url, {**goal_post(world.project, world.lead, target_value="5"), "save": ""})
    world.goal.refresh_from_db()
    assert response.status_code == 302
    assert (world.goal.target_value, world.goal.status) == (5, SmartGoal.Status.DRAFT)

    client.force_login(world.lead)
    response = client.post(url, {**goal_post(world.project, world.lead, target_value="5"), "agree": ""})
    world.goal.refresh_from_db()
    assert response.status_code == 302
    assert world.goal.status == SmartGoal.Status.AGREED


def test_saving_an_agreed_goal_unchanged_keeps_it_agreed(client, world):
    client.force_login(world.lead)
    url = reverse("core:goal-edit", kwargs={"project_id": world.project.pk, "goal_id": world.goal.pk})
    posted = goal_post(world.project, world.lead)
    assert client.post(url, {**posted, "agree": ""}).status_code == 302
    assert client.post(url, {**posted, "save": ""}).status_code == 302
    world.goal.refresh_from_db()
    assert world.goal.status == SmartGoal.Status.AGREED


# --- Project.objects.for_user ----------------------------------------------------


def test_for_user_returns_only_member_projects(world, member_of, other_org_user):
    second = ProjectFactory(organisation=world.project.organisation)
    MembershipFactory(project=second, user=world.lead, role=Role.VIEWER)
    ProjectFactory(organisation=world.project.organisation)  # same organisation, not a member
    # another member on the same project must not duplicate it
    member_of(world.project, Role.ANALYST)

    assert list(Project.objects.for_user(world.lead).order_by("pk")) == [world.project, second]
    outsider_projects = list(Project.objects.for_user(other_org_user))
    assert len(outsider_projects) == 1
    assert outsider_projects[0].organisation != world.project.organisation
    assert world.project not in Project.objects.for_user(other_org_user)
    assert not Project.objects.for_user(AnonymousUser()).exists()


# --- Login, logout, lockout, password reset --------------------------------------


@pytest.fixture
def ann(db):
    return UserFactory(email="ann.smith@example.org", full_name="Ann Smith")


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_email_in_other_letter_case(client, ann):
    response = _login(client, "Ann.SMITH@Example.ORG", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.session[SESSION_KEY] == str(ann.pk)


def test_login_with_wrong_password_shows_an_error(client, ann):
    response = _login(client, ann.email, "not-the-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].non_field_errors()
    assert "Enter a correct email address and password" in response.content.decode()


def test_account_locks_after_too_many_failures(client, ann):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, ann.email, "wrong-password").status_code == 200
    last = _login(client, ann.email, "wrong-password")
    assert last.status_code == 429
    # Now even the right password is refused.
    response = _login(client, ann.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts to log in" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_cannot_be_dodged_by_changing_letter_case(client, ann):
    """Logins ignore the email's case, so the failure count must too."""
    variants = ["ann.smith@example.org", "Ann.Smith@example.org", "ANN.smith@example.org", "ann.SMITH@example.org"]
    for username in variants:
        assert _login(client, username, "wrong-password").status_code == 200
    assert _login(client, "ann.smith@EXAMPLE.org", "wrong-password").status_code == 429
    assert _login(client, "Ann.Smith@Example.Org", PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session


def test_successful_login_resets_the_failure_count(client, ann):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, ann.email, "wrong-password")
    assert _login(client, ann.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # Another near-limit run of failures does not lock: the count started again.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, ann.email, "wrong-password").status_code == 200
    assert _login(client, ann.email, PASSWORD).status_code == 302


def test_logout_is_post_only(client, ann):
    client.force_login(ann)
    assert client.get(reverse("logout")).status_code == 405
    assert client.session[SESSION_KEY] == str(ann.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_password_reset_sends_a_working_link(client, ann, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "ANN.smith@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [ann.email]
    match = re.search(r"https?://testserver/accounts/reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/", message.body)
    assert match, message.body
    assert urlsafe_base64_decode(match["uid"]).decode() == str(ann.pk)
    assert default_token_generator.check_token(ann, match["token"])


def test_password_reset_does_not_reveal_whether_an_address_exists(client, ann, mailoutbox):
    known = client.post(reverse("password_reset"), {"email": ann.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mailoutbox) == 1  # only the real account got one
    done = client.get(known.url)
    assert done.status_code == 200


# --- Public and private pages --------------------------------------------------


def test_health_is_public_json(client):
    response = client.get(reverse("health"))
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert {"database", "broker", "worker"} <= set(body["checks"])
    assert body["checks"]["database"]["ok"] is True
    assert body["status"] == ("ok" if response.status_code == 200 else "unhealthy")


def test_accessibility_and_login_pages_are_public(client):
    assert client.get(reverse("core:accessibility")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200


def test_every_other_page_needs_login(client, world):
    values = world.values()
    checked = []
    for route in all_routes():
        if route.namespace == "admin":
            continue  # the admin sends people to the app's login, checked below
        if route.name is None or not route.kwargs <= set(values):
            continue
        url = url_for(route, values)
        if url.startswith(PUBLIC_PREFIXES):
            continue
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url
        checked.append(url)
    assert reverse("core:home") in checked
    assert reverse("core:system") in checked
    assert reverse("audit:log") in checked and reverse("audit:csv") in checked
    # Two-factor pages and signing in again are for a signed-in account only.
    for name in ("two-factor", "two-factor-setup", "two-factor-verify", "two-factor-codes", "reauthenticate"):
        assert reverse(name) in checked, name
    # The admin's own login only sends people on to the app's login.
    admin = client.get(reverse("admin:index"), follow=True)
    assert admin.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"


# Every page under /accounts/ that opens without a login, by name: a new one must be added here
# on purpose (Django's own password change pages need a login, checked below).
PUBLIC_ACCOUNT_PAGES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}


def test_the_public_account_pages_are_only_these():
    public = {
        r.name
        for r in all_routes()
        if r.route.startswith("accounts/") and r.name not in {"password_change", "password_change_done"}
    }
    assert public == PUBLIC_ACCOUNT_PAGES


def test_password_change_needs_a_login(client):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_an_invitation_link_needs_a_real_token_and_opens_no_project(client, world):
    """/accounts/invitations/<token>/ is public (the invitee may have no account yet),
    so only a live invitation's token opens it, and it joins nobody to anything by itself."""
    url = reverse("invitation", kwargs={"token": "no-such-token-at-all"})
    before = db_snapshot()
    for response in (client.get(url), client.post(url, {"accept": "", "full_name": "X"})):
        assert response.status_code == 404
        assert world.project.name not in response.content.decode()
    assert db_snapshot() == before


def test_no_unchecked_url_takes_unknown_kwargs():
    """Outside accounts and the admin, every URL's kwargs are ones this module fills."""
    odd = [
        r
        for r in all_routes()
        if r.namespace != "admin" and not r.route.startswith("accounts/") and not r.kwargs <= FILLABLE_KWARGS
    ]
    assert not odd, (
        f"URLs with kwargs this module cannot fill, so neither the login nor the access walk checks them: {odd}"
    )


@pytest.mark.parametrize("url_name", ["audit:log", "audit:csv"])
def test_the_audit_log_is_for_the_organisations_governance_leads(client, world, member_of, other_org_user, url_name):
    """The audit log is the organisation's, not a project's: its governance leads read it
    (200); every other member, another organisation's lead and a superuser get 403."""
    url = reverse(url_name)
    for role in ALL_ROLES:
        user = world.lead if role == Role.LEAD else member_of(world.project, role)
        client.force_login(user)
        expected = 200 if role == Role.GOVERNANCE else 403
        assert client.get(url).status_code == expected, (role, url)
        assert client.post(url).status_code == 405  # read-only: nothing is posted to it
    for user in (other_org_user, UserFactory(is_superuser=True, is_staff=True, organisation=None)):
        client.force_login(user)
        assert client.get(url).status_code == 403, url


def test_system_page_is_for_superusers_only(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("core:system"))
    assert response.status_code == 403  # the "not allowed" page, not a redirect loop through the login
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("core:system")).status_code == 200


# --- Security headers ------------------------------------------------------------


def test_security_headers_and_script_nonce(client, world):
    client.force_login(world.lead)
    response = client.get(reverse("core:project", kwargs={"project_id": world.project.pk}))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script_src = directives["script-src"]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in csp
    nonces = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1 and nonces[0]
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "expected the js-enabled inline script"
    for attrs in inline_scripts:
        assert f'nonce="{nonces[0]}"' in attrs, attrs
    # a fresh nonce per response
    again = client.get(reverse("core:project", kwargs={"project_id": world.project.pk}))
    assert nonces[0] not in again["Content-Security-Policy"]
