"""Core pages: projects, the cycle at a glance, progress, SMART goals, jobs, health.

Views stay thin: they find the project through `access.get_project_for_user`
(404 for non-members), call a service to write, and render a presenter.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from amhe import stats
from amhe.core import access, approvals, cycle, history, homepage, navigation, presenters, retention, services
from amhe.core.access import Action
from amhe.core.form_pages import form_page, model_form_values
from amhe.core.forms import (
    ApprovalDecisionForm,
    MemberAddForm,
    MembershipRoleForm,
    PopulationForm,
    ProjectForm,
    ProjectStatusForm,
    RetentionForm,
    SmartGoalForm,
    SubStepStatusForm,
    add_service_errors,
)
from amhe.core.jobs import title_for
from amhe.core.models import (
    Job,
    Membership,
    Population,
    ProjectInvitation,
    PurgeRun,
    SmartGoal,
    SubStepStatus,
    WorkerHeartbeat,
)
from amhe.core.views_accounts import superuser_required


def home(request):
    memberships = (
        request.user.memberships.select_related("project", "project__organisation")
        .order_by("project__name", "project__cycle_number")
        .all()
    )
    rows = [
        {
            "project": m.project,
            "role": m.get_role_display(),
            "step": cycle.STEP_BY_NUMBER[m.project.current_step],
        }
        for m in memberships
    ]
    can_start = bool(request.user.organisation_id) and request.user.has_perm("core.add_project")
    invitations = services.invitations_waiting_for(request.user)
    return TemplateResponse(
        request,
        "core/home.html",
        {
            "rows": rows,
            "can_start": can_start,
            "invitations": invitations,
            "can_read_audit_log": access.may_read_audit_log(request.user),
            "may_manage_retention": access.may_manage_retention(request.user),
        },
    )


def project_home(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    can_edit = access.role_can(membership.role, Action.UPDATE_PROGRESS)
    goals = project.smart_goals.select_related("measure", "owner").exclude(status=SmartGoal.Status.WITHDRAWN)
    return TemplateResponse(
        request,
        "core/project.html",
        {
            "project": project,
            "membership": membership,
            "steps": presenters.cycle_view(project, can_edit=can_edit),
            "populations": project.focus_populations.all(),
            "goals": [presenters.goal_view(goal) for goal in goals],
            "current_step": cycle.STEP_BY_NUMBER[project.current_step],
            "can_edit_project": access.role_can(membership.role, Action.EDIT_PROJECT),
            "home_sections": homepage.sections(request, project, membership),
            "crumbs": [("Your projects", reverse("core:home"))],
        },
    )


def confirm_delete(
    request, *, project, step, what, name, consequence, cancel_url, crumbs, delete, done_url, message=None
):
    """A step record's delete page: GET asks (confirm_delete.html, captioned with the
    step), POST calls `delete()`, says so and goes to `done_url`; a delete the service
    refuses (ValidationError) says why and goes back to `cancel_url`."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(cancel_url)
        messages.success(request, message or f"{what.capitalize()} '{name}' deleted.")
        return redirect(done_url)
    step = cycle.STEP_BY_SLUG[step]
    context = {
        "project": project,
        "step_label": f"{step.number} {step.title}",
        "what": what,
        "name": name,
        "consequence": consequence,
        "cancel_url": cancel_url,
        "crumbs": crumbs,
    }
    return TemplateResponse(request, "confirm_delete.html", context)


def step_overview(request, *, project_id, step_number, template="core/step.html", extra=None):
    """A step's page: its sub-steps and where the project stands on each.

    A step app passes its own `template` (extending core/step.html) and an
    `extra(project, membership) -> dict` of context for what it adds.
    """
    project, membership = access.get_project_for_user(request.user, project_id)
    can_edit = access.role_can(membership.role, Action.UPDATE_PROGRESS)
    steps = presenters.cycle_view(project, can_edit=can_edit)
    step = steps[step_number - 1]
    context = {
        "project": project,
        "membership": membership,
        "step": step,
        "crumbs": _crumbs(project),
        "step_pager": navigation.step_pager(project, step_number),
    }
    if extra:
        context.update(extra(request, project, membership))
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
def substep_edit(request, project_id, code):
    project, membership = access.get_project_for_user(request.user, project_id, Action.UPDATE_PROGRESS)
    if code not in cycle.SUBSTEP_BY_CODE:
        raise Http404("No such sub-step")
    status = SubStepStatus.objects.filter(project=project, code=code).first() or SubStepStatus(
        project=project, code=code
    )
    form = SubStepStatusForm(request.POST or None, instance=status)
    if request.method == "POST" and form.is_valid():
        services.substep_update(
            by=request.user,
            project=project,
            code=code,
            state=form.cleaned_data["state"],
            note=form.cleaned_data["note"],
        )
        substep = cycle.SUBSTEP_BY_CODE[code]
        state = SubStepStatus.State(form.cleaned_data["state"]).label.lower()
        messages.success(request, f"Progress saved: {code} {substep.title} is {state}.")
        # No #fragment: the page opens at the top, where the message is.
        return redirect(project.get_absolute_url())
    return TemplateResponse(
        request,
        "core/substep_form.html",
        {
            "project": project,
            "substep": cycle.SUBSTEP_BY_CODE[code],
            "step": cycle.step_of(code),
            "form": form,
            "crumbs": _crumbs(project),
        },
    )


INVITED_MESSAGE = (
    "We have emailed {email}. If they have an account with {organisation}, they are on the project now. "
    "Anyone else joins when they accept the invitation."
)


@require_http_methods(["GET", "POST"])
def members(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    can_manage = access.role_can(membership.role, Action.MANAGE_MEMBERS)
    form = MemberAddForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only the project lead can add people.")
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                services.membership_invite(
                    by=request.user,
                    project=project,
                    email=email,
                    full_name=form.cleaned_data["full_name"],
                    role=form.cleaned_data["role"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # The same words whatever the email, so nobody learns from them
                # whether it has an account.
                messages.success(request, INVITED_MESSAGE.format(email=email, organisation=project.organisation))
                return redirect("core:members", project_id=project.pk)
    rows = project.memberships.select_related("user", "user__organisation").order_by("role", "user__full_name")
    invitations = project.invitations.order_by("email") if can_manage else None
    return TemplateResponse(
        request,
        "core/members.html",
        {
            "project": project,
            "membership": membership,
            "memberships": rows,
            "invitations": invitations,
            "form": form,
            "can_manage": can_manage,
            "crumbs": _crumbs(project),
        },
    )


def goal_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    goals = project.smart_goals.select_related("measure", "owner")
    return TemplateResponse(
        request,
        "core/goals.html",
        {
            "project": project,
            "membership": membership,
            "goals": [presenters.goal_view(goal, approvals.latest(goal)) for goal in goals],
            "can_edit": access.role_can(membership.role, Action.EDIT_GOALS),
            "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
            "can_approve": access.role_can(membership.role, Action.APPROVE),
            "crumbs": _crumbs(project),
        },
    )


def _goal_crumbs(project):
    return [*_crumbs(project), ("SMART goals", reverse("core:goals", kwargs={"project_id": project.pk}))]


@require_GET
def goal_history(request, project_id, goal_id):
    """Every change to a goal, in words (amhe.core.history): governance leads and leads."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.READ_HISTORY)
    goal = get_object_or_404(SmartGoal, pk=goal_id, project=project)
    kind = history.Kind(
        "goal", SmartGoal, name=lambda goal: f"the SMART goal {history.say(history.short(goal.statement))}"
    )
    page = history.page_of([(kind, Q(id=goal.pk))], request.GET.get("page"))
    goals_url = reverse("core:goals", kwargs={"project_id": project.pk})
    return TemplateResponse(
        request,
        "core/history.html",
        {
            "project": project,
            "caption": "3A Create a strategy",
            "title": "History of a SMART goal",
            "lede": goal.statement,
            "page": page,
            "entries": page.entries,
            "page_links": presenters.page_links(page),
            "back": ("Back to SMART goals", goals_url),
            "crumbs": [*_crumbs(project), ("SMART goals", goals_url)],
        },
    )


@require_http_methods(["GET", "POST"])
def goal_edit(request, project_id, goal_id=None):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_GOALS)
    goal = get_object_or_404(SmartGoal, pk=goal_id, project=project) if goal_id else SmartGoal(project=project)
    form = SmartGoalForm(request.POST or None, instance=goal, project=project)
    # The first agreement is the lead's; a goal agreed before is agreed again only through approval.
    can_agree = access.role_can(membership.role, Action.AGREE_GOALS) and goal.first_agreed_at is None
    agree = "agree" in request.POST
    if agree and not can_agree:
        raise PermissionDenied("Only the project lead can agree a goal, and only the first time.")
    was_agreed = goal.status in SmartGoal.COMMITTED
    approval = approvals.latest(goal)
    if request.method == "POST" and form.is_valid():
        goal = form.save(commit=False)
        try:
            services.smart_goal_edit(by=request.user, goal=goal, changed=form.has_changed(), agree=agree)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if agree:
                messages.success(request, "Goal agreed.")
            elif was_agreed and goal.status == SmartGoal.Status.DRAFT:
                messages.success(
                    request,
                    "Goal saved as a draft. Submit the change for a governance lead's approval to agree it again.",
                )
            else:
                messages.success(request, "Goal saved.")
            return redirect("core:goals", project_id=project.pk)
    return TemplateResponse(
        request,
        "core/goal_form.html",
        {
            "project": project,
            "goal": goal,
            "form": form,
            "can_agree": can_agree,
            "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
            "approval": approvals.status(approval) if approval else None,
            "crumbs": _goal_crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def goal_submit(request, project_id, goal_id):
    """Submit the change to a goal that was agreed before for a governance lead's approval."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_GOALS)
    goal = get_object_or_404(SmartGoal.objects.select_related("measure", "owner"), pk=goal_id, project=project)
    errors = []
    if request.method == "POST":
        try:
            services.smart_goal_submit(by=request.user, goal=goal, base_url=request.build_absolute_uri("/"))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Change submitted for a governance lead's approval.")
            return redirect("core:goals", project_id=project.pk)
    approval = approvals.latest(goal)
    return TemplateResponse(
        request,
        "core/goal_submit.html",
        {
            "project": project,
            "goal": presenters.goal_view(goal, approval),
            "errors": errors,
            "can_submit": services.needs_approval(goal)
            and not (approval and approval.state == approval.State.SUBMITTED),
            "crumbs": _goal_crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def goal_decide(request, project_id, goal_id):
    """A governance lead approves the change to a goal, or returns it with comments."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.APPROVE)
    goal = get_object_or_404(SmartGoal.objects.select_related("measure", "owner"), pk=goal_id, project=project)
    approval = approvals.latest(goal)
    waiting = approval is not None and approval.state == approval.State.SUBMITTED
    own = waiting and approval.submitted_by_id == request.user.pk
    form = ApprovalDecisionForm(request.POST or None)
    if request.method == "POST" and waiting and not own and form.is_valid():
        approve = form.cleaned_data["decision"] == ApprovalDecisionForm.APPROVE
        try:
            services.smart_goal_decide(
                by=request.user,
                goal=goal,
                approve=approve,
                comment=form.cleaned_data["comment"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Change approved: the goal is agreed." if approve else "Returned with your comments."
            )
            return redirect("core:goals", project_id=project.pk)
    return TemplateResponse(
        request,
        "core/goal_decide.html",
        {
            "project": project,
            "goal": presenters.goal_view(goal, approval),
            "waiting": waiting and not own,
            "own": own,
            "form": form,
            "crumbs": _goal_crumbs(project),
        },
    )


# --- Starting and running a project -------------------------------------------


@require_http_methods(["GET", "POST"])
def project_new(request):
    """Start a project (a new AMHE cycle) for your organisation, as its lead."""
    if not request.user.organisation_id or not request.user.has_perm("core.add_project"):
        raise PermissionDenied("Ask your administrator for permission to start projects.")
    organisation = request.user.organisation
    form = ProjectForm(request.POST or None, organisation=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                by=request.user,
                organisation=organisation,
                name=data["name"],
                area=data["area"],
                area_code=data["area_code"],
                description=data["description"],
                start_date=data["start_date"],
                focus_populations=data.get("focus_populations", []),
                previous_cycle=data.get("previous_cycle"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Project started. You are its lead.")
            return redirect(project)
    return TemplateResponse(
        request,
        "core/project_form.html",
        {"form": form, "organisation": organisation, "crumbs": [("Your projects", reverse("core:home"))]},
    )


@require_http_methods(["GET", "POST"])
def project_edit(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_PROJECT)
    form = ProjectStatusForm(
        request.POST or None, instance=project, organisation=project.organisation, user=request.user
    )
    return form_page(
        request,
        form,
        save=lambda: services.project_update(by=request.user, project=project, **model_form_values(form)),
        message="Project details saved.",
        next_url=project.get_absolute_url(),
        template="core/project_form.html",
        context={"project": project, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def member_edit(request, project_id, membership_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.MANAGE_MEMBERS)
    member = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, project=project)
    form = MembershipRoleForm(request.POST or None, instance=member)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                services.membership_remove(by=request.user, membership=member)
                messages.success(request, f"{member.user.full_name} removed from the project.")
                return redirect("core:members", project_id=project.pk)
            if form.is_valid():
                services.membership_change_role(by=request.user, membership=member, role=form.cleaned_data["role"])
                messages.success(request, f"{member.user.full_name} is now {member.get_role_display().lower()}.")
                return redirect("core:members", project_id=project.pk)
        except ValidationError as exc:
            member.refresh_from_db()
            add_service_errors(form, exc)
    return TemplateResponse(
        request,
        "core/member_form.html",
        {"project": project, "member": member, "form": form, "crumbs": _crumbs(project, members=True)},
    )


@require_http_methods(["GET", "POST"])
def invitation_cancel(request, project_id, invitation_id):
    """Cancel an invitation nobody has accepted yet (its link stops working)."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.MANAGE_MEMBERS)
    invitation = get_object_or_404(ProjectInvitation, pk=invitation_id, project=project)
    if request.method == "POST":
        services.invitation_cancel(by=request.user, invitation=invitation)
        messages.success(request, f"Invitation to {invitation.email} cancelled.")
        return redirect("core:members", project_id=project.pk)
    return TemplateResponse(
        request,
        "core/invitation_cancel.html",
        {"project": project, "invitation": invitation, "crumbs": _crumbs(project, members=True)},
    )


@require_http_methods(["GET", "POST"])
def population_edit(request, project_id, population_id=None):
    """Describe a focus population in the terms of the characteristic taxonomy."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_PROJECT)
    population = (
        get_object_or_404(project.focus_populations, pk=population_id)
        if population_id
        else Population(organisation=project.organisation)
    )
    form = PopulationForm(request.POST or None, instance=population, organisation=project.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.population_save(by=request.user, population=form.instance, add_to=project)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Population '{population.name}' saved.")
            return redirect(project)
    return TemplateResponse(
        request,
        "core/population_form.html",
        {"project": project, "population": population, "form": form, "crumbs": _crumbs(project)},
    )


def _crumbs(project, *, members=False):
    crumbs = [("Your projects", reverse("core:home")), (project.name, project.get_absolute_url())]
    if members:
        crumbs.append(("People on this project", reverse("core:members", kwargs={"project_id": project.pk})))
    return crumbs


RECENT_PURGES = 10


@require_http_methods(["GET", "POST"])
def organisation_settings(request, organisation_id):
    """The organisation's retention settings and what a purge would destroy now (a dry
    run: counts only). Its governance leads change them; the suppression rule is shown."""
    organisation = access.get_organisation_for_user(request.user, organisation_id, Action.MANAGE_RETENTION)
    kinds = retention.kinds()
    form = RetentionForm(request.POST or None, instance=organisation, settings_shown={kind.setting for kind in kinds})
    return form_page(
        request,
        form,
        save=lambda: services.organisation_retention_update(
            by=request.user, organisation=organisation, **model_form_values(form)
        ),
        message="Retention settings saved.",
        next_url=reverse("core:organisation-settings", kwargs={"organisation_id": organisation.pk}),
        template="core/organisation_settings.html",
        context=lambda: _organisation_settings_context(request, organisation, kinds),
    )


def _organisation_settings_context(request, organisation, kinds) -> dict:
    if request.method == "POST":
        organisation.refresh_from_db()  # show the saved days beside the dry run, not the rejected ones
    counts = retention.expired_counts(organisation=organisation)
    key = str(organisation.pk)
    would_go = [
        {"label": kind.label, "days": getattr(organisation, kind.setting), "count": counts[kind.key].get(key, 0)}
        for kind in kinds
    ]
    runs = [
        {
            "run": run,
            "count": sum(by_org.get(key, 0) for by_org in run.counts.values()),
        }
        for run in PurgeRun.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))[:RECENT_PURGES]
    ]
    return {
        "organisation": organisation,
        "would_go": would_go,
        "would_go_total": sum(row["count"] for row in would_go),
        "runs": runs,
        "suppression_rule": stats.RULES.get(organisation.suppression_rule, stats.RULES["nhs"]),
        "crumbs": [("Your projects", reverse("core:home"))],
    }


def _job_for_user(user, job_id) -> Job:
    job = get_object_or_404(Job.objects.select_related("project"), pk=job_id)
    if job.project_id:
        access.get_project_for_user(user, job.project_id)
    elif job.created_by_id != user.pk:
        raise Http404("No such job")
    return job


def job_detail(request, job_id):
    job = _job_for_user(request.user, job_id)
    return TemplateResponse(
        request,
        "core/job.html",
        {
            "job": job,
            "title": title_for(job.kind),
            "result_rows": presenters.job_result_rows(job),
            "project": job.project,
        },
    )


@never_cache
@require_GET
def job_status(request, job_id):
    job = _job_for_user(request.user, job_id)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "progress": job.progress,
            "message": job.progress_message,
            "error": job.error,
            "finished": job.is_finished,
        }
    )


@superuser_required
@require_http_methods(["GET", "POST"])
def system_status(request):
    """For administrators: the health checks, workers and recent jobs, and a
    button that sends a check job through the whole queue."""
    if request.method == "POST":
        job = services.job_enqueue(by=request.user, project=None, kind="core.worker_check")
        return redirect("core:job", job_id=job.pk)
    return TemplateResponse(
        request,
        "core/system.html",
        {
            "checks": _health_checks(),
            "heartbeats": WorkerHeartbeat.objects.order_by("-last_seen")[:10],
            "jobs": Job.objects.order_by("-created_at")[:20],
        },
    )


@login_not_required
def accessibility(request):
    return TemplateResponse(request, "core/accessibility.html", {})


def _health_checks() -> dict[str, dict]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True, "detail": connection.vendor}
    except Exception as exc:  # noqa: BLE001
        checks["database"] = {"ok": False, "detail": type(exc).__name__}

    from amhe.celery import app as celery_app

    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = {"ok": True, "detail": conn.transport_cls}
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = {"ok": False, "detail": type(exc).__name__}

    try:
        window = timedelta(seconds=3 * settings.AMHE_WORKER_HEARTBEAT_SECONDS)
        alive = WorkerHeartbeat.objects.filter(last_seen__gte=timezone.now() - window).count()
        checks["worker"] = {"ok": alive > 0, "detail": f"{alive} worker(s) seen in the last {window.seconds} s"}
    except Exception as exc:  # noqa: BLE001
        checks["worker"] = {"ok": False, "detail": type(exc).__name__}
    return checks


@login_not_required
@never_cache
@require_GET
def health(request):
    """Database, broker and worker status for load balancers and monitoring.

    Says nothing about users or data. 200 when all are up, 503 otherwise.
    """
    checks = _health_checks()
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)


# --- Error pages --------------------------------------------------------------


def page_not_found(request, exception=None):
    return TemplateResponse(request, "404.html", {}, status=404)


def permission_denied(request, exception=None):
    return TemplateResponse(request, "403.html", {"reason": str(exception or "")}, status=403)


def server_error(request):
    # Kept free of context processors and database reads: the database may be the fault.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
