"""Who may do what on a project.

Every read of project data goes through `get_project_for_user` (or a queryset
scoped with `Project.objects.for_user`): a user who is not a member gets 404,
never 403, so URL guessing reveals nothing. Actions are checked against the
role matrix below.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from amhe.core.models import Membership, Project, Role


class Action(StrEnum):
    VIEW = "view"
    EDIT_PROJECT = "edit_project"
    MANAGE_MEMBERS = "manage_members"
    UPDATE_PROGRESS = "update_progress"
    EDIT_GOALS = "edit_goals"
    AGREE_GOALS = "agree_goals"
    UPLOAD_DATA = "upload_data"
    SEE_UNSUPPRESSED = "see_unsuppressed"
    RESPOND = "respond"
    # Work with communities: build and distribute surveys, enter paper or phone
    # responses, code themes, record focus groups and community assets.
    ENGAGE = "engage"
    # Research 2A and 2C: add and change references, existing initiatives and priorities.
    RESEARCH = "research"
    # Research 2C: agree the priority list that Deliver starts from.
    AGREE_PRIORITIES = "agree_priorities"
    # Research 2C: give a view (a vote and a comment) on a priority, as a panel member.
    GIVE_VIEWS = "give_views"
    # Research 2A: record case studies of positive practice, attach documents to
    # them, submit them for sharing with every organisation and withdraw them.
    RECORD_PRACTICE = "record_practice"
    # Approve or decline sharing a case study beyond the organisation (governance).
    REVIEW_SHARING = "review_sharing"
    # Research 2B: build and change driver diagrams and theories of change.
    PLAN = "plan"
    # Evaluate 4A: set the dates a measure's SPC limits start again from (rebasing).
    EVALUATE = "evaluate"
    # Deliver 3A: write the strategy and its interventions (leads and commissioners).
    EDIT_STRATEGY = "edit_strategy"
    # Deliver 3A: comment on the strategy, as a panel member (one comment each, shown without names).
    COMMENT_STRATEGY = "comment_strategy"
    # Deliver 3C: keep the risk register and the decision log (leads and governance leads).
    GOVERN = "govern"
    # Deliver 3A: define measures on Identify's outputs and work out their values (analysts and leads).
    DEFINE_MEASURES = "define_measures"
    # Deliver 3A: sign off an equality impact assessment, or return it with comments (governance leads).
    SIGN_OFF_EIA = "sign_off_eia"
    # Approve the strategy and changes to agreed SMART goals, or return them with comments
    # (governance leads), never one's own submission (amhe.core.approvals).
    APPROVE = "approve"
    # Deliver 3B: add and change milestones and actions and record their updates (leads);
    # an action's owner may also record updates on it (deliver.tracking.selectors.may_update).
    TRACK_DELIVERY = "track_delivery"
    # Evaluate 4A: record self-assessments against frameworks such as EDS 2022 and PCREF
    # (leads and governance leads); making an action from a low rating also needs TRACK_DELIVERY.
    ASSESS = "assess"
    # Evaluate 4B: write and publish "you said, we did" entries, and switch the project's
    # public feedback page on or off or give it a new address (leads).
    PUBLISH_FEEDBACK = "publish_feedback"
    # Evaluate 4C: record the review of the cycle and start the next cycle from it (leads).
    REVIEW_CYCLE = "review_cycle"
    # Build progress reports of the project and download them (leads, governance leads, analysts).
    BUILD_REPORTS = "build_reports"
    # Read the audit history of goals and of Deliver's records: who changed what, when
    # (governance leads and leads).
    READ_HISTORY = "read_history"
    # Change the organisation's retention settings and see what the purge would destroy
    # (governance leads of the organisation's own accounts; amhe.core.retention).
    MANAGE_RETENTION = "manage_retention"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.LEAD: frozenset(
        {
            Action.VIEW,
            Action.EDIT_PROJECT,
            Action.MANAGE_MEMBERS,
            Action.UPDATE_PROGRESS,
            Action.EDIT_GOALS,
            Action.AGREE_GOALS,
            Action.RESPOND,
            Action.ENGAGE,
            Action.RESEARCH,
            Action.AGREE_PRIORITIES,
            Action.RECORD_PRACTICE,
            Action.PLAN,
            Action.EVALUATE,
            Action.EDIT_STRATEGY,
            Action.GOVERN,
            Action.DEFINE_MEASURES,
            Action.TRACK_DELIVERY,
            Action.ASSESS,
            Action.PUBLISH_FEEDBACK,
            Action.REVIEW_CYCLE,
            Action.BUILD_REPORTS,
            Action.READ_HISTORY,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Action.VIEW,
            Action.UPLOAD_DATA,
            Action.SEE_UNSUPPRESSED,
            Action.UPDATE_PROGRESS,
            Action.ENGAGE,
            Action.RESEARCH,
            Action.EVALUATE,
            Action.DEFINE_MEASURES,
            Action.BUILD_REPORTS,
        }
    ),
    Role.GOVERNANCE: frozenset(
        {
            Action.VIEW,
            Action.UPDATE_PROGRESS,
            Action.EDIT_GOALS,
            Action.REVIEW_SHARING,
            Action.GOVERN,
            Action.SIGN_OFF_EIA,
            Action.BUILD_REPORTS,
            Action.ASSESS,
            Action.APPROVE,
            Action.READ_HISTORY,
            Action.MANAGE_RETENTION,
        }
    ),
    Role.PANEL: frozenset({Action.VIEW, Action.RESPOND, Action.GIVE_VIEWS, Action.COMMENT_STRATEGY}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


def role_can(role: str, action: Action) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def membership_for(user, project: Project) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, project=project).first()


def get_project_for_user(user, project_id, action: Action = Action.VIEW) -> tuple[Project, Membership]:
    """The project and the user's membership, or 404 if the user is not on it.

    Raises PermissionDenied (403) if the user is on the project but their role
    does not allow `action`: they know the project exists.
    """
    membership = (
        Membership.objects.select_related("project", "project__organisation")
        .filter(user=user, project_id=project_id)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404("No such project")
    if not role_can(membership.role, action):
        raise PermissionDenied(f"Your role on this project does not allow this ({action}).")
    return membership.project, membership


# The audit log (amhe.core.audit) is read organisation by organisation: by the
# organisation's governance leads, that is its own accounts with the governance role
# on at least one of its projects. The app has no other organisation administrator
# (superusers read every entry in the Django admin, read-only).
AUDIT_LOG_ROLES = frozenset({Role.GOVERNANCE})


def may_read_audit_log(user) -> bool:
    try:
        audit_log_organisation(user)
    except PermissionDenied:
        return False
    return True


def audit_log_organisation(user):
    """The organisation whose audit log `user` may read; PermissionDenied (403) for
    anyone else (the page is not a project's, so there is nothing to hide by a 404)."""
    if (
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and Membership.objects.filter(
            user=user, project__organisation_id=user.organisation_id, role__in=AUDIT_LOG_ROLES
        ).exists()
    ):
        return user.organisation
    raise PermissionDenied("Only the organisation's governance leads can read its audit log.")


def get_organisation_for_user(user, organisation_id, action: Action):
    """The organisation, for a page that is the organisation's rather than a project's
    (its settings). 404 unless `user` is one of its own accounts with a role on one of
    its projects; 403 if none of those roles allows `action`."""
    if not user.is_authenticated or not user.is_active or user.organisation_id != organisation_id:
        raise Http404("No such organisation")
    roles = set(
        Membership.objects.filter(user=user, project__organisation_id=organisation_id).values_list("role", flat=True)
    )
    if not roles:
        raise Http404("No such organisation")
    if not any(role_can(role, action) for role in roles):
        raise PermissionDenied(f"Your role does not allow this ({action}).")
    return user.organisation


def may_manage_retention(user) -> bool:
    """Whether `user` may open their own organisation's settings page."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    try:
        get_organisation_for_user(user, user.organisation_id, Action.MANAGE_RETENTION)
    except (Http404, PermissionDenied):
        return False
    return True
