"""Writes to the core. Keyword-only, atomic, side effects after commit.

Views call these; they never save models themselves.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from amhe.core import cycle
from amhe.core.jobs import JobError, handler_for
from amhe.core.models import (
    Job,
    Membership,
    Organisation,
    Population,
    Project,
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
        Membership.objects.create(project=project, user=by, role=Role.LEAD)
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


def _send_invitation(*, user_id: int, project_id: int, base_url: str, invited_by: str) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.get(pk=user_id)
    project = Project.objects.get(pk=project_id)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url.rstrip("/") + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    context = {"user": user, "project": project, "link": link, "invited_by": invited_by}
    send_mail(
        subject=f"You have been added to {project.name}",
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def membership_invite(*, by, project: Project, email: str, full_name: str, role: str, base_url: str) -> Membership:
    """Add a person to a project by email. Someone with no account gets one, with
    no password, and an email with a link to set one."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Enter their full name: they do not have an account yet"})
        user = User.objects.create_user(email, None, full_name=full_name.strip(), organisation=by.organisation)
        transaction.on_commit(
            lambda: _send_invitation(user_id=user.pk, project_id=project.pk, base_url=base_url, invited_by=by.full_name)
        )
    if Membership.objects.filter(project=project, user=user).exists():
        raise ValidationError({"email": f"{user.full_name} is already on this project"})
    return Membership.objects.create(project=project, user=user, role=_valid_role(role))


def _valid_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}"})
    return role


def _keep_a_lead(membership: Membership, new_role: str | None) -> None:
    stored_role = Membership.objects.select_for_update().get(pk=membership.pk).role
    if stored_role == Role.LEAD and new_role != Role.LEAD:
        other_leads = Membership.objects.filter(project=membership.project, role=Role.LEAD).exclude(pk=membership.pk)
        if not other_leads.exists():
            raise ValidationError("A project needs at least one lead. Make someone else lead first.")


@transaction.atomic
def membership_change_role(*, by, membership: Membership, role: str) -> Membership:
    _keep_a_lead(membership, _valid_role(role))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, by, membership: Membership) -> None:
    _keep_a_lead(membership, None)
    membership.delete()


@transaction.atomic
def membership_set(*, by, project: Project, user, role: str) -> Membership:
    """Give `user` a role on `project` (replacing any role they had)."""
    membership, _ = Membership.objects.update_or_create(
        project=project, user=user, defaults={"role": _valid_role(role)}
    )
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


@transaction.atomic
def smart_goal_save(*, by, goal: SmartGoal) -> SmartGoal:
    """Validate and save a goal. An agreed goal must be complete (see SmartGoal.clean)."""
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def smart_goal_agree(*, by, goal: SmartGoal) -> SmartGoal:
    goal.status = SmartGoal.Status.AGREED
    return smart_goal_save(by=by, goal=goal)


@transaction.atomic
def smart_goal_edit(*, by, goal: SmartGoal, changed: bool, agree: bool) -> SmartGoal:
    """Save an edit. `agree` (the lead's "Agree goal") commits it; any other change
    to a goal that was agreed sends it back to draft, to be agreed again."""
    if agree:
        return smart_goal_agree(by=by, goal=goal)
    if changed and goal.status in SmartGoal.COMMITTED:
        goal.status = SmartGoal.Status.DRAFT
    return smart_goal_save(by=by, goal=goal)


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
