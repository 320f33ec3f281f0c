"""Deliver's audit history: who changed what, and when, in plain words. The
project's change history (every kind of record, newest first, filterable and
paginated) and the history of one record (with its parts: an EIA's versions and
their impacts, an action's updates). Governance leads and leads only
(Action.READ_HISTORY): others on the project 403, everyone else 404."""

from __future__ import annotations

from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from amhe.core import access, history, navigation
from amhe.core.access import Action
from amhe.core.presenters import page_links
from deliver.audit import kinds as audit_kinds
from deliver.decisions import selectors as decision_selectors
from deliver.eia import selectors as eia_selectors
from deliver.models import EiaVersion
from deliver.risks import selectors as risk_selectors
from deliver.strategy import selectors as strategy_selectors
from deliver.tracking import selectors as tracking_selectors

TEMPLATE = "core/history.html"
PER_PAGE = 50
READ = Action.READ_HISTORY
INTRO = (
    "Every change to the project's SMART goals, strategy, interventions, equality impact assessments, "
    "milestones, actions, risks and decisions: who made it, when, and what changed. Newest first."
)


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _page(request, project, *, title, keys_where, crumbs, back=None, filters=None, chosen=""):
    """The page of entries of the records of each kind key matching its Q."""
    kinds = {kind.key: kind for kind in audit_kinds.kinds_for(project)}
    page = history.page_of(
        [(kinds[key], where) for key, where in keys_where], request.GET.get("page"), per_page=PER_PAGE
    )
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            "project": project,
            "caption": "Deliver",
            "title": title,
            "intro": INTRO if filters is not None else None,
            "page": page,
            "entries": page.entries,
            "page_links": page_links(page),
            "crumbs": crumbs,
            "back": back,
            "filters": filters,
            "chosen": chosen,
        },
    )


@require_GET
def project_history(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, READ)
    scopes = audit_kinds.scopes(project)
    chosen = request.GET.get("kind", "")
    filters = {key: keys for key, _label, keys in audit_kinds.FILTERS}
    keys = filters.get(chosen) or [key for group in filters.values() for key in group]
    if chosen not in filters:
        chosen = ""
    return _page(
        request,
        project,
        title="Change history",
        keys_where=[(key, scopes[key]) for key in keys],
        crumbs=navigation.crumbs(project, "deliver"),
        filters=[(key, label) for key, label, _keys in audit_kinds.FILTERS],
        chosen=chosen,
    )


def _of_one(request, project, *, title, keys_where, page_name, page_url, back):
    return _page(
        request,
        project,
        title=title,
        keys_where=keys_where,
        crumbs=navigation.crumbs(project, "deliver", (page_name, page_url)),
        back=(back, page_url),
    )


@require_GET
def risk_history(request, project_id, risk_id):
    project, membership, risk = risk_selectors.risk_for(request.user, project_id, risk_id, READ)
    return _of_one(
        request,
        project,
        title=f"History of the risk: {risk.title}",
        keys_where=[("risk", Q(id=risk.pk))],
        page_name=risk.title,
        page_url=_url("risk", project, risk_id=risk.pk),
        back="Back to the risk",
    )


@require_GET
def decision_history(request, project_id, decision_id):
    project, membership, decision = decision_selectors.decision_for(request.user, project_id, decision_id, READ)
    return _of_one(
        request,
        project,
        title="History of a decision",
        keys_where=[("decision", Q(id=decision.pk))],
        page_name="Decision log",
        page_url=_url("decisions", project),
        back="Back to the decision log",
    )


@require_GET
def strategy_history(request, project_id):
    project, membership, strategy = strategy_selectors.strategy_for(request.user, project_id, READ)
    return _of_one(
        request,
        project,
        title=f"History of the strategy: {strategy.title}",
        keys_where=[("strategy", Q(id=strategy.pk))],
        page_name="Strategy",
        page_url=_url("strategy", project),
        back="Back to the strategy",
    )


@require_GET
def intervention_history(request, project_id, intervention_id):
    project, membership, intervention = strategy_selectors.intervention_for(
        request.user, project_id, intervention_id, READ
    )
    return _of_one(
        request,
        project,
        title=f"History of the intervention: {intervention.title}",
        keys_where=[("intervention", Q(id=intervention.pk))],
        page_name=intervention.title,
        page_url=_url("intervention", project, intervention_id=intervention.pk),
        back="Back to the intervention",
    )


@require_GET
def eia_history(request, project_id, eia_id):
    """The EIA, every version of it and every impact assessed in them."""
    project, membership, eia = eia_selectors.eia_for(request.user, project_id, eia_id, READ)
    versions = Q(version_id__in=EiaVersion.objects.filter(eia=eia).values("pk")) | Q(
        version_id__in=EiaVersion.history.filter(eia_id=eia.pk).values("id")
    )
    return _of_one(
        request,
        project,
        title=f"History of the equality impact assessment of {eia.subject}",
        keys_where=[("eia", Q(id=eia.pk)), ("eia-version", Q(eia_id=eia.pk)), ("eia-impact", versions)],
        page_name="Equality impact assessment",
        page_url=_url("eia", project, eia_id=eia.pk),
        back="Back to the equality impact assessment",
    )


@require_GET
def milestone_history(request, project_id, milestone_id):
    project, membership, milestone = tracking_selectors.milestone_for(request.user, project_id, milestone_id, READ)
    return _of_one(
        request,
        project,
        title=f"History of the milestone: {milestone.title}",
        keys_where=[("milestone", Q(id=milestone.pk))],
        page_name="Milestones and actions",
        page_url=_url("tracking", project),
        back="Back to milestones and actions",
    )


@require_GET
def action_history(request, project_id, action_id):
    """The action and its update log."""
    project, membership, action = tracking_selectors.action_for(request.user, project_id, action_id, READ)
    return _of_one(
        request,
        project,
        title=f"History of the action: {action.title}",
        keys_where=[("action", Q(id=action.pk)), ("action-update", Q(action_id=action.pk))],
        page_name=action.title,
        page_url=_url("action", project, action_id=action.pk),
        back="Back to the action",
    )
