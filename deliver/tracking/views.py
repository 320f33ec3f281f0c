"""Deliver 3B: implementing the strategy. Milestones, actions under the
interventions, each action's dated update log, overdue actions said in words,
the roll-up per intervention and per SMART goal, and a timeline with its table.

Reading needs Action.VIEW (everyone on the project, governance leads included:
they hold delivery to account from the roll-up and the log); adding and changing
milestones and actions Action.TRACK_DELIVERY (leads); recording an update a lead
or the action's owner (selectors.action_to_update)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from deliver.strategy import selectors as strategy_selectors
from deliver.tracking import presenters, selectors, services
from deliver.tracking.forms import ActionForm, MilestoneForm, UpdateForm

TEMPLATES = "deliver/tracking"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", ("Milestones and actions", _url("tracking", project)), *extra)


def _can_track(membership) -> bool:
    return access.role_can(membership.role, Action.TRACK_DELIVERY)


def _strategy(project):
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None:
        raise Http404("The project has no strategy yet")
    return strategy


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows under 3B."""
    strategy = strategy_selectors.strategy_of(project)
    items = list(selectors.actions(strategy)) if strategy else []
    return {
        "tracking_summary": {
            "strategy": strategy,
            "roll_up": presenters.roll_up("All actions", items),
            "overdue": [presenters.action_row(item) for item in selectors.overdue_actions(project)],
            "can_track": _can_track(membership),
        }
    }


def intervention_context(membership, intervention) -> dict:
    """What an intervention's page shows of its actions (deliver.strategy.views.intervention_detail)."""
    items = list(selectors.actions_of(intervention))
    return {
        "tracking": {
            "rows": [presenters.action_row(item) for item in items],
            "roll_up": presenters.roll_up(intervention.title, items),
            "can_track": _can_track(membership),
        }
    }


@require_GET
def tracking(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    strategy = strategy_selectors.strategy_of(project)
    context = {"project": project, "strategy": strategy, "crumbs": navigation.crumbs(project, "deliver")}
    if strategy is not None:
        items = list(selectors.actions(strategy))
        milestones = list(selectors.milestones(strategy))
        rows = [presenters.action_row(item) for item in items]
        context.update(
            rows=rows,
            overdue=sum(1 for row in rows if row.overdue),
            milestones=[(m, presenters.day(m.due_date)) for m in milestones],
            overall=presenters.roll_up("All actions", items),
            by_intervention=[
                presenters.roll_up(item.title, item.actions.all())
                for item in selectors.interventions_with_actions(strategy)
            ],
            by_goal=[presenters.roll_up(goal.statement, acts) for goal, acts in selectors.goals_with_actions(project)],
            chart=presenters.timeline_chart(milestones, items),
            has_interventions=selectors.intervention_choices(strategy).exists(),
            can_track=_can_track(membership),
            can_read_history=access.role_can(membership.role, Action.READ_HISTORY),
        )
    return TemplateResponse(request, f"{TEMPLATES}/tracking.html", context)


@require_GET
def action_detail(request, project_id, action_id):
    project, membership, item = selectors.action_for(request.user, project_id, action_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/action_detail.html",
        {
            "project": project,
            "item": item,
            "row": presenters.action_row(item),
            "updates": [presenters.update_row(update) for update in selectors.updates(item)],
            "can_track": _can_track(membership),
            "can_update": selectors.may_update(membership, item),
            "can_read_history": access.role_can(membership.role, Action.READ_HISTORY),
            "crumbs": _crumbs(project),
        },
    )


def _action_form_page(request, project, strategy, item):
    initial = {}
    if item is None and request.GET.get("intervention", "").isdigit():
        initial["intervention"] = int(request.GET["intervention"])
    form = ActionForm(request.POST or None, project=project, strategy=strategy, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = services.action_create(by=request.user, strategy=strategy, **form.cleaned_data)
                messages.success(request, "Action added.")
            else:
                services.action_update(by=request.user, action=item, **form.cleaned_data)
                messages.success(request, "Action saved.")
        except ValidationError as exc:
            if item is not None and item.pk:
                item.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("action", project, action_id=item.pk))
    crumbs = _crumbs(project)
    if item is not None:
        crumbs = _crumbs(project, (item.title, _url("action", project, action_id=item.pk)))
    return TemplateResponse(
        request, f"{TEMPLATES}/action_form.html", {"project": project, "form": form, "item": item, "crumbs": crumbs}
    )


@require_http_methods(["GET", "POST"])
def action_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.TRACK_DELIVERY)
    return _action_form_page(request, project, _strategy(project), None)


@require_http_methods(["GET", "POST"])
def action_edit(request, project_id, action_id):
    project, membership, item = selectors.action_for(request.user, project_id, action_id, Action.TRACK_DELIVERY)
    return _action_form_page(request, project, item.intervention.strategy, item)


@require_http_methods(["GET", "POST"])
def action_update(request, project_id, action_id):
    project, membership, item = selectors.action_to_update(request.user, project_id, action_id)
    form = UpdateForm(request.POST or None, action=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_record_update(by=request.user, action=item, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Update recorded.")
            return redirect(_url("action", project, action_id=item.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/update_form.html",
        {
            "project": project,
            "form": form,
            "item": item,
            "row": presenters.action_row(item),
            "crumbs": _crumbs(project, (item.title, _url("action", project, action_id=item.pk))),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def action_delete(request, project_id, action_id):
    project, membership, item = selectors.action_for(request.user, project_id, action_id, Action.TRACK_DELIVERY)
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="action",
        name=item.title,
        consequence="Its updates are deleted with it.",
        cancel_url=_url("action", project, action_id=item.pk),
        crumbs=_crumbs(project, (item.title, _url("action", project, action_id=item.pk))),
        delete=lambda: services.action_delete(by=request.user, action=item),
        done_url=_url("tracking", project),
    )


def _milestone_form_page(request, project, strategy, milestone):
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            if milestone is None:
                services.milestone_create(by=request.user, strategy=strategy, **form.cleaned_data)
                messages.success(request, "Milestone added.")
            else:
                services.milestone_update(by=request.user, milestone=milestone, **form.cleaned_data)
                messages.success(request, "Milestone saved.")
        except ValidationError as exc:
            if milestone is not None and milestone.pk:
                milestone.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("tracking", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/milestone_form.html",
        {"project": project, "form": form, "milestone": milestone, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def milestone_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.TRACK_DELIVERY)
    return _milestone_form_page(request, project, _strategy(project), None)


@require_http_methods(["GET", "POST"])
def milestone_edit(request, project_id, milestone_id):
    project, membership, milestone = selectors.milestone_for(
        request.user, project_id, milestone_id, Action.TRACK_DELIVERY
    )
    return _milestone_form_page(request, project, milestone.strategy, milestone)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def milestone_delete(request, project_id, milestone_id):
    project, membership, milestone = selectors.milestone_for(
        request.user, project_id, milestone_id, Action.TRACK_DELIVERY
    )
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="milestone",
        name=milestone.title,
        consequence="Its actions are kept, without the milestone.",
        cancel_url=_url("tracking", project),
        crumbs=_crumbs(project),
        delete=lambda: services.milestone_delete(by=request.user, milestone=milestone),
        done_url=_url("tracking", project),
    )
