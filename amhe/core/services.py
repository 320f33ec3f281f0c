"""Writes to the core. Keyword-only, atomic, side effects after commit.

Views call these; they never save models themselves.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amhe.core import access, approvals, audit, cycle, history
from amhe.core.jobs import JobError, handler_for
from amhe.core.models import (
    Approval,
    Job,
    Membership,
    Organisation,
    Population,
    Project,
    ProjectInvitation,
    Role,
    SmartGoal,
    SubStepStatus,
    User,
    WorkerHeartbeat,
)

logger = logging.getLogger(__name__)

MAX_JOB_ATTEMPTS = 3


# --- Projects ---------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    by,
    organisation: Organisation,
    name: str,
    area: str,
    area_code: str = "",
    description: str = "",
    focus_populations=(),
    previous_cycle: Project | None = None,
    start_date=None,
) -> Project:
    """Create a project (one AMHE cycle) with `by` as its lead."""
    project = Project(
        organisation=organisation,
        name=name,
        area=area,
        area_code=area_code,
        description=description,
        previous_cycle=previous_cycle,
        cycle_number=previous_cycle.cycle_number + 1 if previous_cycle else 1,
        start_date=start_date,
    )
    project.full_clean()
    project.save()
    project.focus_populations.set(focus_populations)
    SubStepStatus.objects.bulk_create(SubStepStatus(project=project, code=code) for code in cycle.SUBSTEP_CODES)
    if by is not None:
        membership = Membership.objects.create(project=project, user=by, role=Role.LEAD)
        _audit_role(by, membership, "added as lead (started the project)")
    return project


@transaction.atomic
def project_update(*, by, project: Project, **fields) -> Project:
    focus_populations = fields.pop("focus_populations", None)
    for name, value in fields.items():
        setattr(project, name, value)
    if project.previous_cycle_id:
        project.cycle_number = project.previous_cycle.cycle_number + 1
    project.full_clean()
    project.save()
    if focus_populations is not None:
        project.focus_populations.set(focus_populations)
    return project


@transaction.atomic
def project_next_cycle(*, by, previous: Project, carried_learning: str = "") -> Project:
    """Start the cycle after `previous`, beginning again at Identify: the same place,
    organisation and focus populations, everyone on the previous cycle with the same
    role (they joined this work already), and what was learnt. A cycle is followed by
    one next cycle at most; the previous one's row is locked so two people starting
    it at once make one."""
    previous = Project.objects.select_for_update().get(pk=previous.pk)
    if Project.objects.filter(previous_cycle=previous).exists():
        raise ValidationError(f"{previous} already has a next cycle.")
    project = project_create(
        by=by,
        organisation=previous.organisation,
        name=previous.name,
        area=previous.area,
        area_code=previous.area_code,
        description=previous.description,
        focus_populations=list(previous.focus_populations.all()),
        previous_cycle=previous,
    )
    project.carried_learning = carried_learning
    project.save(update_fields=["carried_learning"])
    for membership in Membership.objects.filter(project=previous).exclude(user=by):
        carried = Membership.objects.create(project=project, user_id=membership.user_id, role=membership.role)
        _audit_role(by, carried, f"added as {carried.role} (carried from the previous cycle)")
    return project


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_added_email(*, user_id: int, project_id: int, base_url: str, invited_by: str) -> None:
    user = User.objects.get(pk=user_id)
    project = Project.objects.get(pk=project_id)
    context = {"user": user, "project": project, "invited_by": invited_by, "link": _absolute(base_url, project)}
    send_mail(
        subject=f"You have been added to {project.name}",
        message=render_to_string("registration/member_added_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def _send_invitation(*, invitation_id: int, token: str, base_url: str) -> None:
    invitation = ProjectInvitation.objects.select_related("project", "invited_by").get(pk=invitation_id)
    link = base_url.rstrip("/") + reverse("invitation", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "project": invitation.project,
        "invited_by": invitation.invited_by.full_name if invitation.invited_by else "A project lead",
        "link": link,
        "days": settings.AMHE_INVITATION_DAYS,
    }
    send_mail(
        subject=f"You are invited to join {invitation.project.name}",
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _absolute(base_url: str, project: Project) -> str:
    return base_url.rstrip("/") + project.get_absolute_url()


def joins_without_accepting(user, project: Project) -> bool:
    """Only an active, ordinary account of the project's own organisation is added
    straight away; anyone else (another organisation's, one with none, a
    superuser, someone with no account) must accept an invitation first."""
    return (
        user is not None
        and user.is_active
        and not user.is_superuser
        and user.organisation_id is not None
        and user.organisation_id == project.organisation_id
    )


@transaction.atomic
def membership_invite(*, by, project: Project, email: str, full_name: str, role: str, base_url: str) -> None:
    """Invite a person to a project by email.

    A colleague (an active, ordinary account of the project's organisation) is
    added and told by email. Anyone else gets an invitation to accept, with a
    link: an existing account accepts after signing in; someone with no account
    creates it from the link. The caller learns nothing about which happened,
    so nobody learns from this whether an email has an account.
    """
    email = email.strip().lower()
    role = _valid_role(role)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(project=project, user=user).exists():
        raise ValidationError({"email": "This person is already on this project"})
    invited_by = by.full_name if by else ""
    if joins_without_accepting(user, project):
        ProjectInvitation.objects.filter(project=project, email=email).delete()
        membership = Membership.objects.create(project=project, user=user, role=role)
        _audit_role(by, membership, f"added as {role}")
        transaction.on_commit(
            lambda: _send_added_email(user_id=user.pk, project_id=project.pk, base_url=base_url, invited_by=invited_by)
        )
        return
    token = secrets.token_urlsafe(32)
    invitation, _ = ProjectInvitation.objects.update_or_create(
        project=project,
        email=email,
        defaults={
            "role": role,
            "full_name": full_name.strip(),
            "invited_by": by,
            "token_hash": invitation_token_hash(token),
            "expires_at": timezone.now() + timedelta(days=settings.AMHE_INVITATION_DAYS),
        },
    )
    transaction.on_commit(lambda: _send_invitation(invitation_id=invitation.pk, token=token, base_url=base_url))


def invitation_for_token(token: str) -> ProjectInvitation | None:
    """The open invitation a link's token opens, or None (unknown or expired)."""
    invitation = (
        ProjectInvitation.objects.select_related("project", "invited_by")
        .filter(token_hash=invitation_token_hash(token), expires_at__gt=timezone.now())
        .first()
    )
    return invitation


def invitations_waiting_for(user) -> list[ProjectInvitation]:
    """Open invitations to this account's email address (to remind them on sign-in)."""
    return list(
        ProjectInvitation.objects.select_related("project")
        .filter(email__iexact=user.email, expires_at__gt=timezone.now())
        .order_by("project__name")
    )


def invitation_account(invitation: ProjectInvitation):
    """The existing account the invitation is for, or None."""
    return User.objects.filter(email__iexact=invitation.email).first()


@transaction.atomic
def invitation_accept(*, invitation: ProjectInvitation, user) -> Membership:
    """The signed-in invitee accepts: they join the project with the invited role."""
    invitation = ProjectInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_expired:
        raise ValidationError("This invitation has expired. Ask the project lead to invite you again.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError("This invitation is for a different account.")
    membership, created = Membership.objects.get_or_create(
        project=invitation.project, user=user, defaults={"role": invitation.role}
    )
    if created:
        _audit_role(user, membership, f"joined as {membership.role} by invitation")
    invitation.delete()
    return membership


@transaction.atomic
def invitation_accept_new_account(*, invitation: ProjectInvitation, full_name: str, password: str) -> Membership:
    """Someone with no account accepts: their account is made (in the project's
    organisation, as a lead's new colleague always was) and they join."""
    if invitation_account(invitation) is not None:
        raise ValidationError("An account with this email address exists. Log in to accept the invitation.")
    user = User.objects.create_user(
        invitation.email, password, full_name=full_name.strip(), organisation=invitation.project.organisation
    )
    return invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def invitation_decline(*, invitation: ProjectInvitation) -> None:
    ProjectInvitation.objects.filter(pk=invitation.pk).delete()


@transaction.atomic
def invitation_cancel(*, by, invitation: ProjectInvitation) -> None:
    ProjectInvitation.objects.filter(pk=invitation.pk).delete()


def _valid_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}"})
    return role


def _audit_role(by, membership: Membership, what: str) -> None:
    audit.record_role_change(by=by, membership=membership, what=what)


def _keep_a_lead(membership: Membership, new_role: str | None) -> None:
    stored_role = Membership.objects.select_for_update().get(pk=membership.pk).role
    if stored_role == Role.LEAD and new_role != Role.LEAD:
        other_leads = Membership.objects.filter(project=membership.project, role=Role.LEAD).exclude(pk=membership.pk)
        if not other_leads.exists():
            raise ValidationError("A project needs at least one lead. Make someone else lead first.")


@transaction.atomic
def membership_change_role(*, by, membership: Membership, role: str) -> Membership:
    _keep_a_lead(membership, _valid_role(role))
    before = Membership.objects.get(pk=membership.pk).role
    membership.role = role
    membership.save(update_fields=["role"])
    if before != role:
        _audit_role(by, membership, f"{before} -> {role}")
    return membership


@transaction.atomic
def membership_remove(*, by, membership: Membership) -> None:
    _keep_a_lead(membership, None)
    _audit_role(by, membership, f"removed (was {Membership.objects.get(pk=membership.pk).role})")
    membership.delete()


@transaction.atomic
def membership_set(*, by, project: Project, user, role: str) -> Membership:
    """Give `user` a role on `project` (replacing any role they had).

    Only for a colleague (see `joins_without_accepting`): anyone else joins by
    accepting an invitation (`membership_invite`), never silently."""
    already = Membership.objects.filter(project=project, user=user).exists()
    if not already and not joins_without_accepting(user, project):
        raise ValidationError("Only people with an account with the project's organisation can be added directly.")
    before = Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": _valid_role(role)}
    )
    if before != membership.role:
        _audit_role(by, membership, f"{before} -> {membership.role}" if before else f"added as {membership.role}")
    return membership


@transaction.atomic
def substep_update(*, by, project: Project, code: str, state: str, note: str = "") -> SubStepStatus:
    """Record where the project stands on a sub-step, and move the project's
    current step to the earliest step that is not yet done."""
    if code not in cycle.SUBSTEP_BY_CODE:
        raise ValidationError({"code": f"Unknown sub-step {code!r}"})
    status, _ = SubStepStatus.objects.select_for_update().get_or_create(project=project, code=code)
    status.state = state
    status.note = note
    status.updated_by = by
    status.full_clean()
    status.save()

    states = dict(project.substep_statuses.values_list("code", "state"))
    for step in cycle.STEPS:
        if any(states.get(sub.code) != SubStepStatus.State.DONE for sub in step.substeps):
            current = step.number
            break
    else:
        current = cycle.STEPS[-1].number
    if project.current_step != current:
        project.current_step = current
        project.save(update_fields=["current_step"])
    return status


@transaction.atomic
def population_create(*, by, organisation: Organisation, name: str, description: str = "", area="", criteria=None):
    population = Population(
        organisation=organisation, name=name, description=description, area=area, criteria=criteria or []
    )
    return population_save(by=by, population=population)


@transaction.atomic
def population_save(*, by, population: Population, add_to: Project | None = None) -> Population:
    """Validate and save a population; `add_to` makes it a focus population of that project."""
    population.full_clean()
    population.save()
    if add_to is not None:
        add_to.focus_populations.add(population)
    return population


# --- SMART goals ------------------------------------------------------------


def _goal_what(goal: SmartGoal) -> str:
    return f"a change to the SMART goal '{str(goal)}'"


def _stored_goal(goal: SmartGoal):
    return SmartGoal.objects.filter(pk=goal.pk).values("status", "first_agreed_at").first() if goal.pk else None


@history.records_by
@transaction.atomic
def smart_goal_save(*, by, goal: SmartGoal, approved: bool = False) -> SmartGoal:
    """Validate and save a goal. An agreed goal must be complete (see SmartGoal.clean).
    The first time a goal is agreed is the lead's; a goal agreed before that went back
    to draft is agreed again only through approval (`approved`, from smart_goal_decide)."""
    stored = _stored_goal(goal)
    if (
        goal.status in SmartGoal.COMMITTED
        and stored is not None
        and stored["status"] not in SmartGoal.COMMITTED
        and stored["first_agreed_at"] is not None
        and not approved
    ):
        raise ValidationError(
            "This goal was agreed before, so its change must be approved by a governance lead: submit it for approval."
        )
    if goal.status in SmartGoal.COMMITTED and goal.first_agreed_at is None:
        goal.first_agreed_at = timezone.now()
    goal.full_clean()
    goal.save()
    return goal


@history.records_by
@transaction.atomic
def smart_goal_agree(*, by, goal: SmartGoal) -> SmartGoal:
    goal.status = SmartGoal.Status.AGREED
    return smart_goal_save(by=by, goal=goal)


@history.records_by
@transaction.atomic
def smart_goal_edit(*, by, goal: SmartGoal, changed: bool, agree: bool) -> SmartGoal:
    """Save an edit. `agree` (the lead's "Agree goal") commits a goal never agreed before;
    any other change to a goal that was agreed sends it back to draft, to be submitted
    for approval (smart_goal_submit). A goal waiting for approval cannot be changed."""
    if goal.pk:
        # The goal's row first, then its approval's: the same order as a decision.
        SmartGoal.objects.select_for_update().filter(pk=goal.pk).first()
        if changed:
            approvals.note_change(subject=goal, what="This goal")
    if agree:
        return smart_goal_agree(by=by, goal=goal)
    if changed and goal.status in SmartGoal.COMMITTED:
        goal.status = SmartGoal.Status.DRAFT
    return smart_goal_save(by=by, goal=goal)


def needs_approval(goal: SmartGoal) -> bool:
    """A draft goal that was agreed before: it is agreed again only through approval."""
    return goal.status == SmartGoal.Status.DRAFT and goal.first_agreed_at is not None


def _goal_link(base_url: str, goal: SmartGoal, name: str) -> str:
    return base_url.rstrip("/") + reverse(name, kwargs={"project_id": goal.project_id, "goal_id": goal.pk})


@history.records_by
@transaction.atomic
def smart_goal_submit(*, by, goal: SmartGoal, base_url: str = "") -> Approval:
    """Submit the change to a goal that was agreed before for a governance lead's approval
    (a goal editor: Action.EDIT_GOALS). The goal must have every SMART part."""
    membership = access.membership_for(by, goal.project)
    if membership is None or not access.role_can(membership.role, access.Action.EDIT_GOALS):
        raise PermissionDenied("Only goal editors of the project submit a goal for approval.")
    goal = SmartGoal.objects.select_for_update().get(pk=goal.pk)
    if goal.first_agreed_at is None:
        raise ValidationError("This goal has not been agreed yet: the project lead agrees it the first time.")
    if goal.status != SmartGoal.Status.DRAFT:
        raise ValidationError(f"This goal is {goal.get_status_display().lower()}: there is no change to approve.")
    missing = goal.missing_smart_parts()
    if missing:
        raise ValidationError([f"{message}." for message in missing.values()])
    return approvals.submit(
        by=by,
        project=goal.project,
        subject=goal,
        what=_goal_what(goal),
        link=_goal_link(base_url, goal, "core:goal-decide"),
    )


@history.records_by
@transaction.atomic
def smart_goal_decide(*, by, goal: SmartGoal, approve: bool, comment: str = "", base_url: str = "") -> Approval:
    """A governance lead approves the change to a goal (it is agreed again) or returns it
    with comments (it stays a draft); never the person who submitted it."""
    goal = SmartGoal.objects.select_for_update().get(pk=goal.pk)
    approval = approvals.decide(
        by=by,
        project=goal.project,
        subject=goal,
        approve=approve,
        comment=comment,
        what=_goal_what(goal),
        link=_goal_link(base_url, goal, "core:goal-edit"),
    )
    if approve:
        goal.status = SmartGoal.Status.AGREED
        smart_goal_save(by=by, goal=goal, approved=True)
    return approval


# --- Background jobs --------------------------------------------------------


def _send(job_id) -> None:
    from amhe.core.tasks import run_job

    run_job.delay(str(job_id))


@transaction.atomic
def job_enqueue(*, by, project: Project | None, kind: str, params: dict | None = None) -> Job:
    """Record a job and send it to the worker once the transaction commits.

    If the broker is down at that moment the job stays queued and
    `jobs_requeue_stale` sends it again later: nothing is lost.
    """
    handler_for(kind)  # fail now, in the request, for an unknown kind
    job = Job.objects.create(project=project, kind=kind, params=params or {}, created_by=by)
    transaction.on_commit(lambda: _send(job.pk), robust=True)
    return job


def job_run(*, job_id, worker: str = "") -> None:
    """Run one job, once. Safe to call again with the same id (idempotent)."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.AMHE_JOB_STALE_SECONDS)
    claim = Q(state=Job.State.QUEUED) | Q(state=Job.State.RUNNING, heartbeat_at__lt=stale_before)
    claimed = Job.objects.filter(claim, pk=job_id).update(
        state=Job.State.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        worker=worker[:200],
        progress=0,
        progress_message="Started",
        error="",
    )
    if not claimed:
        logger.info("Job %s is finished, running elsewhere or gone; nothing to do", job_id)
        return
    job = Job.objects.get(pk=job_id)
    mine = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts)

    if job.attempts > MAX_JOB_ATTEMPTS:
        mine.update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=f"The job stopped {MAX_JOB_ATTEMPTS} times before finishing. Try again, or ask for help.",
        )
        return

    def report(percent: int, message: str) -> None:
        mine.update(
            progress=max(0, min(100, int(percent))), progress_message=message[:200], heartbeat_at=timezone.now()
        )

    try:
        result = handler_for(job.kind)(job, report)
    except JobError as exc:
        mine.update(state=Job.State.FAILED, error=str(exc), finished_at=timezone.now())
        return
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        mine.update(
            state=Job.State.FAILED,
            error="Something went wrong while running this job. Your earlier data is unchanged. "
            "Try again; if it fails again, contact your administrator.",
            finished_at=timezone.now(),
        )
        return
    mine.update(
        state=Job.State.SUCCEEDED,
        progress=100,
        progress_message="Finished",
        result=result or {},
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def jobs_requeue_stale() -> int:
    """Send again every job whose message may have been lost: queued for too
    long, or running with no progress reported for too long (its worker died)."""
    stale_before = timezone.now() - timedelta(seconds=settings.AMHE_JOB_STALE_SECONDS)
    stale = Job.objects.filter(
        Q(state=Job.State.QUEUED, created_at__lt=stale_before)
        | Q(state=Job.State.RUNNING, heartbeat_at__lt=stale_before)
    ).values_list("pk", flat=True)
    count = 0
    for job_id in list(stale):
        _send(job_id)
        count += 1
    return count


def worker_heartbeat(*, hostname: str) -> None:
    WorkerHeartbeat.objects.update_or_create(hostname=hostname[:200], defaults={"last_seen": timezone.now()})


RETENTION_FIELDS = (
    "retain_record_level_days",
    "retain_abandoned_responses_days",
    "retain_reports_days",
    "retain_history_days",
    "retain_audit_days",
)


@transaction.atomic
def organisation_retention_update(*, by, organisation, **days) -> Organisation:
    """Change how long the organisation keeps each kind of data (amhe.core.retention).
    Only the retention fields; each a whole number of days within the allowed bounds."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    unknown = set(days) - set(RETENTION_FIELDS)
    if unknown:
        raise ValueError(f"Not retention settings: {sorted(unknown)}")
    before = {name: getattr(organisation, name) for name in days}
    for name, value in days.items():
        setattr(organisation, name, value)
    organisation.full_clean(exclude=[f.name for f in Organisation._meta.fields if f.name not in days])
    organisation.save(update_fields=list(days))
    changed = [f"{name}: {before[name]} -> {value}" for name, value in days.items() if before[name] != value]
    if changed:
        audit.record(
            action=audit.SETTINGS_CHANGE,
            user=by,
            organisation=organisation,
            object_kind="organisation",
            object_id=organisation.pk,
            detail="; ".join(changed),
        )
    return organisation
