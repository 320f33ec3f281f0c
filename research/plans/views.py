"""Research 2B: driver diagrams and theories of change (namespace research,
under /projects/<project_id>/research/plans/).

Every member sees the diagrams, their pictures and text versions, and can
download the SVG; leads build and change them (Action.PLAN). Records are
found through research.plans.selectors' access helpers; writes go through
research.plans.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from research.evidence import selectors as evidence_selectors
from research.models import DiagramNode
from research.ngt import selectors as ngt_selectors
from research.plans import presenters, selectors, services
from research.plans.forms import DiagramForm, NodeForm, NodeKindForm

TEMPLATES = "research/plans"


def _url(name, project, **kwargs) -> str:
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("Diagrams", _url("diagrams", project)), *extra)


def _diagram_crumbs(project, diagram, *extra):
    return _crumbs(project, (diagram.title, _url("diagram", project, diagram_id=diagram.pk)), *extra)


def _can_plan(membership) -> bool:
    return access.role_can(membership.role, Action.PLAN)


def overview_context(request, project, membership) -> dict:
    """What the step page shows under 2B."""
    return {"plan_diagrams": selectors.diagrams(project), "can_plan": _can_plan(membership)}


# --- Diagrams -----------------------------------------------------------------------------


@require_GET
def diagram_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/diagram_list.html",
        {
            "project": project,
            "diagrams": selectors.diagrams(project),
            "can_plan": _can_plan(membership),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


@require_http_methods(["GET", "POST"])
def diagram_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.PLAN)
    form = DiagramForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            diagram = services.diagram_create(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{diagram.get_kind_display()} started. Add its boxes below.")
            return redirect(_url("diagram", project, diagram_id=diagram.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/diagram_form.html",
        {"project": project, "form": form, "diagram": None, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def diagram_edit(request, project_id, diagram_id):
    project, membership, diagram = selectors.diagram_for(request.user, project_id, diagram_id, Action.PLAN)
    form = DiagramForm(request.POST if request.method == "POST" else None, diagram=diagram)
    if request.method == "POST" and form.is_valid():
        try:
            services.diagram_update(by=request.user, diagram=diagram, title=form.cleaned_data["title"])
        except ValidationError as exc:
            diagram.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, "Title saved.")
            return redirect(_url("diagram", project, diagram_id=diagram.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/diagram_form.html",
        {"project": project, "form": form, "diagram": diagram, "crumbs": _diagram_crumbs(project, diagram)},
    )


@require_GET
def diagram_detail(request, project_id, diagram_id):
    project, membership, diagram = selectors.diagram_for(request.user, project_id, diagram_id)
    nodes = selectors.diagram_nodes(diagram)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/diagram_detail.html",
        {
            "project": project,
            "diagram": diagram,
            "picture": presenters.picture(diagram, nodes),
            "groups": presenters.node_groups(diagram, nodes),
            "has_nodes": bool(nodes),
            "can_plan": _can_plan(membership),
            "crumbs": _crumbs(project),
        },
    )


@require_GET
def diagram_svg(request, project_id, diagram_id):
    """The picture as an SVG file to save, print or put in a paper."""
    project, membership, diagram = selectors.diagram_for(request.user, project_id, diagram_id)
    svg = presenters.picture(diagram, selectors.diagram_nodes(diagram)).svg
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{presenters.svg_filename(diagram)}"'
    return response


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def diagram_delete(request, project_id, diagram_id):
    project, membership, diagram = selectors.diagram_for(request.user, project_id, diagram_id, Action.PLAN)
    if request.method == "POST":
        title = diagram.title
        services.diagram_delete(by=request.user, diagram=diagram)
        messages.success(request, f"Diagram '{title}' deleted.")
        return redirect(_url("diagrams", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/diagram_delete.html",
        {"project": project, "diagram": diagram, "crumbs": _diagram_crumbs(project, diagram)},
    )


# --- Boxes ---------------------------------------------------------------------------------


def _node_form_page(request, project, diagram, kind, node):
    candidates = selectors.parent_choices(diagram, services.parent_kinds(diagram, kind))
    if node is not None:
        candidates = candidates.exclude(pk=node.pk)
    goals = selectors.goal_choices(project, node.goal if node is not None else None)
    form = NodeForm(
        request.POST if request.method == "POST" else None,
        diagram=diagram,
        kind=kind,
        candidates=candidates,
        goals=goals,
        node=node,
        evidence=evidence_selectors.references(project),
        ideas=ngt_selectors.idea_choices_for_nodes(project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if node is None:
                services.node_create(by=request.user, diagram=diagram, kind=kind, **form.service_arguments())
                messages.success(request, f"{DiagramNode.Kind(kind).label} added.")
            else:
                services.node_update(by=request.user, node=node, **form.service_arguments())
                messages.success(request, f"{DiagramNode.Kind(kind).label} saved.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_url("diagram", project, diagram_id=diagram.pk) + "#boxes")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/node_form.html",
        {
            "project": project,
            "diagram": diagram,
            "node": node,
            "kind_label": DiagramNode.Kind(kind).label,
            "form": form,
            "crumbs": _diagram_crumbs(project, diagram),
        },
    )


@require_http_methods(["GET", "POST"])
def node_new(request, project_id, diagram_id):
    """Add a box; the kind comes from ?kind=, or is asked for first."""
    project, membership, diagram = selectors.diagram_for(request.user, project_id, diagram_id, Action.PLAN)
    kind_form = NodeKindForm(request.GET if "kind" in request.GET else None, diagram=diagram)
    if not kind_form.is_valid():
        return TemplateResponse(
            request,
            f"{TEMPLATES}/node_kind.html",
            {
                "project": project,
                "diagram": diagram,
                "form": kind_form,
                "crumbs": _diagram_crumbs(project, diagram),
            },
        )
    return _node_form_page(request, project, diagram, kind_form.cleaned_data["kind"], None)


@require_http_methods(["GET", "POST"])
def node_edit(request, project_id, diagram_id, node_id):
    project, membership, node = selectors.node_for(request.user, project_id, diagram_id, node_id)
    return _node_form_page(request, project, node.diagram, node.kind, node)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def node_delete(request, project_id, diagram_id, node_id):
    project, membership, node = selectors.node_for(request.user, project_id, diagram_id, node_id)
    diagram = node.diagram
    if request.method == "POST":
        label = node.get_kind_display()
        services.node_delete(by=request.user, node=node)
        messages.success(request, f"{label} removed.")
        return redirect(_url("diagram", project, diagram_id=diagram.pk) + "#boxes")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/node_delete.html",
        {
            "project": project,
            "diagram": diagram,
            "node": node,
            "orphans": selectors.children_left_unlinked(node),
            "crumbs": _diagram_crumbs(project, diagram),
        },
    )
