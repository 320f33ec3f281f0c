"""Deliver 3A: the strategy, its interventions, starting it from the agreed
priorities of Research 2C, and the panel's comments on it.

Reading needs Action.VIEW; writing the strategy and its interventions
Action.EDIT_STRATEGY (leads and commissioners); commenting
Action.COMMENT_STRATEGY (panel members). Comments are shown without names.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from deliver.approvals import selectors as approvals_selectors
from deliver.approvals import views as approvals_views
from deliver.eia import selectors as eia_selectors
from deliver.resourcing import views as resourcing_views
from deliver.strategy import presenters, selectors, services
from deliver.strategy.forms import InterventionForm, StrategyCommentForm, StrategyForm, StrategyStartForm
from deliver.tracking import views as tracking_views

TEMPLATES = "deliver/strategy"


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "deliver", *extra)


def _strategy_crumbs(project, strategy):
    return _crumbs(project, (strategy.title, _url("strategy", project)))


def _can(membership, action) -> bool:
    return access.role_can(membership.role, action)


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows under 3A."""
    strategy = selectors.strategy_of(project)
    return {
        "strategy_summary": {
            "strategy": strategy,
            "interventions": list(selectors.interventions(strategy)) if strategy else [],
            "priorities_left": len(selectors.priorities_without_intervention(project)),
            "can_edit": _can(membership, Action.EDIT_STRATEGY),
        }
    }


@require_GET
def strategy_detail(request, project_id):
    project, membership, strategy = selectors.strategy_for(request.user, project_id)
    rows = [presenters.intervention_view(item) for item in selectors.interventions(strategy)]
    approval = approvals_views.strategy_context(request, project, membership, strategy)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/strategy_detail.html",
        {
            "project": project,
            "strategy": strategy,
            "aims": presenters.aims_list(strategy),
            "rows": rows,
            "priorities_left": selectors.priorities_without_intervention(project),
            "comments": selectors.comments(strategy),
            "own_comment": selectors.own_comment(strategy, request.user),
            # While it waits for approval the strategy cannot be changed (the services refuse too).
            "can_edit": _can(membership, Action.EDIT_STRATEGY) and not approval["approval"].waiting,
            "can_start_eia": _can(membership, Action.EDIT_STRATEGY),
            "can_comment": _can(membership, Action.COMMENT_STRATEGY),
            "can_read_history": _can(membership, Action.READ_HISTORY),
            "eia_status": eia_selectors.status_for(strategy),
            **approval,
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def strategy_edit(request, project_id):
    """Write the strategy's title, vision and aims: makes it if the project has none."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    strategy = selectors.strategy_of(project)
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_save(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Strategy saved.")
            return redirect(_url("strategy", project))
    crumbs = _crumbs(project) if strategy is None else _strategy_crumbs(project, strategy)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/strategy_form.html",
        {"project": project, "strategy": strategy, "form": form, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def strategy_start(request, project_id):
    """Start the strategy from the agreed priorities: one intervention each."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    strategy = selectors.strategy_of(project)
    form = StrategyStartForm(request.POST or None, project=project, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        priorities = data.pop("priorities")
        try:
            strategy, made = services.strategy_start_from_priorities(
                by=request.user, project=project, priorities=priorities, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = len(made)
            messages.success(
                request,
                f"{count} intervention{'s' if count != 1 else ''} added, one for each priority. "
                "Choose each one's kind and owner, and link the goals and driver diagram boxes it serves.",
            )
            return redirect(_url("strategy", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/strategy_start.html",
        {
            "project": project,
            "strategy": strategy,
            "form": form,
            "has_agreed": selectors.agreed_priorities(project).exists(),
            "crumbs": _crumbs(project) if strategy is None else _strategy_crumbs(project, strategy),
        },
    )


@require_GET
def intervention_detail(request, project_id, intervention_id):
    project, membership, intervention = selectors.intervention_for(request.user, project_id, intervention_id)
    view = presenters.intervention_view(
        intervention,
        nodes=intervention.nodes.select_related("diagram", "goal").order_by("diagram__title", "pk"),
        evidence=selectors.evidence_for(intervention),
    )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/intervention_detail.html",
        {
            "project": project,
            "intervention": intervention,
            "view": view,
            "can_edit": _can(membership, Action.EDIT_STRATEGY)
            and not approvals_selectors.strategy_status(intervention.strategy).waiting,
            "strategy_waiting": approvals_selectors.strategy_status(intervention.strategy).waiting,
            "can_start_eia": _can(membership, Action.EDIT_STRATEGY),
            "can_read_history": _can(membership, Action.READ_HISTORY),
            "eia_status": eia_selectors.status_for(intervention),
            "crumbs": _strategy_crumbs(project, intervention.strategy),
            **tracking_views.intervention_context(membership, intervention),
            **resourcing_views.intervention_context(membership, intervention),
        },
    )


def _intervention_form_page(request, project, strategy, intervention):
    form = InterventionForm(request.POST or None, project=project, instance=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            if intervention is None:
                intervention = services.intervention_create(
                    by=request.user, strategy=strategy, **form.service_arguments()
                )
                messages.success(request, "Intervention added.")
            else:
                services.intervention_update(by=request.user, intervention=intervention, **form.service_arguments())
                messages.success(request, "Intervention saved.")
        except ValidationError as exc:
            if intervention is not None and intervention.pk:
                intervention.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("intervention", project, intervention_id=intervention.pk))
    crumbs = _strategy_crumbs(project, strategy)
    if intervention is not None:
        crumbs.append((intervention.title, _url("intervention", project, intervention_id=intervention.pk)))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/intervention_form.html",
        {"project": project, "form": form, "intervention": intervention, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def intervention_new(request, project_id):
    project, membership, strategy = selectors.strategy_for(request.user, project_id, Action.EDIT_STRATEGY)
    return _intervention_form_page(request, project, strategy, None)


@require_http_methods(["GET", "POST"])
def intervention_edit(request, project_id, intervention_id):
    project, membership, intervention = selectors.intervention_for(
        request.user, project_id, intervention_id, Action.EDIT_STRATEGY
    )
    return _intervention_form_page(request, project, intervention.strategy, intervention)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def intervention_delete(request, project_id, intervention_id):
    project, membership, intervention = selectors.intervention_for(
        request.user, project_id, intervention_id, Action.EDIT_STRATEGY
    )
    return confirm_delete(
        request,
        project=project,
        step="deliver",
        what="intervention",
        name=intervention.title,
        consequence=(
            "Its actions with their updates, and its equality impact assessment with every version, "
            "are deleted with it. The priorities, goals and diagram boxes it links to are kept."
        ),
        cancel_url=_url("intervention", project, intervention_id=intervention.pk),
        crumbs=_strategy_crumbs(project, intervention.strategy),
        delete=lambda: services.intervention_delete(by=request.user, intervention=intervention),
        done_url=_url("strategy", project),
    )


@require_http_methods(["GET", "POST"])
def strategy_comment(request, project_id):
    """A panel member's comment on the strategy: one each, which they can change or take back."""
    project, membership, strategy = selectors.strategy_for(request.user, project_id, Action.COMMENT_STRATEGY)
    own = selectors.own_comment(strategy, request.user)
    if request.method == "POST" and "withdraw" in request.POST:
        services.strategy_comment_withdraw(by=request.user, strategy=strategy)
        messages.success(request, "Your comment is taken off.")
        return redirect(_url("strategy", project))
    form = StrategyCommentForm(request.POST or None, initial={"comment": own.comment} if own else {})
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_comment_give(by=request.user, strategy=strategy, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your comment is saved. You can change it at any time.")
            return redirect(_url("strategy", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/comment_form.html",
        {
            "project": project,
            "strategy": strategy,
            "form": form,
            "own_comment": own,
            "crumbs": _strategy_crumbs(project, strategy),
        },
    )
