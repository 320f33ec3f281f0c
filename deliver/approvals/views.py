"""Deliver 3C: approvals. The governance lead's page ("Waiting for you"), submitting
the strategy for approval, and a governance lead's decision on it.

Everyone on the project may read the page (a lead sees what waits for a governance
lead); submitting the strategy needs Action.EDIT_STRATEGY; approving it or returning
it with comments Action.APPROVE (governance leads), never on one's own submission.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, approvals, navigation
from amhe.core.access import Action
from amhe.core.forms import ApprovalDecisionForm, add_service_errors
from deliver.approvals import selectors, services
from deliver.strategy import selectors as strategy_selectors

TEMPLATES = "deliver/approvals"


def _url(name, project) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk})


def _can(membership, action) -> bool:
    return access.role_can(membership.role, action)


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows: the strategy's approval state and, for governance
    leads, how many things wait for their decision."""
    can_approve = _can(membership, Action.APPROVE)
    strategy = strategy_selectors.strategy_of(project)
    return {
        "approval_summary": {
            "strategy_status": selectors.strategy_status(strategy),
            "can_approve": can_approve,
            "for_you": sum(1 for row in selectors.decisions(project, request.user) if not row.own)
            if can_approve
            else 0,
        }
    }


def strategy_context(request, project, membership, strategy) -> dict:
    """What the strategy page shows of its approval (deliver.strategy.views.strategy_detail)."""
    status = selectors.strategy_status(strategy)
    approval = approvals.latest(strategy)
    return {
        "approval": status,
        "can_submit_strategy": _can(membership, Action.EDIT_STRATEGY) and not status.waiting and not status.approved,
        "can_decide_strategy": _can(membership, Action.APPROVE)
        and status.waiting
        and approval.submitted_by_id != request.user.pk,
    }


@require_GET
def waiting_for_you(request, project_id):
    """The governance lead's page: what waits for a decision, overdue actions, risks past
    their review date and risks above target, each linking to the item."""
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/waiting.html",
        {
            "project": project,
            "queue": selectors.queue(project, request.user),
            "can_approve": _can(membership, Action.APPROVE),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


@require_http_methods(["GET", "POST"])
def strategy_submit(request, project_id):
    project, membership, strategy = strategy_selectors.strategy_for(request.user, project_id, Action.EDIT_STRATEGY)
    errors = []
    if request.method == "POST":
        try:
            services.strategy_submit(by=request.user, strategy=strategy, base_url=request.build_absolute_uri("/"))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Strategy submitted for approval by a governance lead.")
            return redirect(_url("strategy", project))
    status = selectors.strategy_status(strategy)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/strategy_submit.html",
        {
            "project": project,
            "strategy": strategy,
            "status": status,
            "errors": errors,
            "problems": [] if errors else services.problems(strategy),
            "can_submit": not status.waiting and not status.approved,
            "crumbs": navigation.crumbs(project, "deliver", (strategy.title, _url("strategy", project))),
        },
    )


@require_http_methods(["GET", "POST"])
def strategy_decide(request, project_id):
    """A governance lead approves the submitted strategy, or returns it with comments."""
    project, membership, strategy = strategy_selectors.strategy_for(request.user, project_id, Action.APPROVE)
    approval = approvals.latest(strategy)
    status = approvals.status(approval)
    own = status.waiting and approval.submitted_by_id == request.user.pk
    waiting = status.waiting and not own
    form = ApprovalDecisionForm(request.POST or None)
    if request.method == "POST" and waiting and form.is_valid():
        approve = form.cleaned_data["decision"] == ApprovalDecisionForm.APPROVE
        try:
            services.strategy_decide(
                by=request.user,
                strategy=strategy,
                approve=approve,
                comment=form.cleaned_data["comment"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Strategy approved." if approve else "Strategy returned with your comments.")
            return redirect(_url("approvals", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/strategy_decide.html",
        {
            "project": project,
            "strategy": strategy,
            "status": status,
            "waiting": waiting,
            "own": own,
            "form": form,
            "interventions": list(strategy_selectors.interventions(strategy)),
            "crumbs": navigation.crumbs(project, "deliver", (strategy.title, _url("strategy", project))),
        },
    )
