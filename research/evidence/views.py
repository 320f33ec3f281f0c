"""Research 2A: the evidence base (references, added one by one or imported
from CSV or RIS) and the register of existing initiatives in the area.

Lists and record pages need Action.VIEW; every write needs Action.RESEARCH
(leads and analysts). Records are found through research.evidence.selectors.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis.downloads import csv_download
from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from research.evidence import importing, presenters, selectors, services
from research.evidence.forms import InitiativeForm, ReferenceForm, ReferenceImportForm

TEMPLATES = "research/evidence"


def _url(name, project, **kwargs) -> str:
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _can_research(membership) -> bool:
    return access.role_can(membership.role, Action.RESEARCH)


def _reference_crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("Evidence base", _url("references", project)), *extra)


def _initiative_crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("Existing initiatives", _url("initiatives", project)), *extra)


# --- References ------------------------------------------------------------------------


@require_GET
def reference_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/reference_list.html",
        {
            "project": project,
            "references": selectors.references(project),
            "can_research": _can_research(membership),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


@require_GET
def reference_detail(request, project_id, reference_id):
    project, membership, reference = selectors.reference_for(request.user, project_id, reference_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/reference_detail.html",
        {
            "project": project,
            "reference": reference,
            "doi_url": presenters.doi_url(reference.doi),
            "characteristics": presenters.characteristic_labels(reference.characteristics),
            "populations": reference.populations.all(),
            "priorities": selectors.reference_priorities(reference),
            "boxes": selectors.reference_boxes(reference),
            "ideas": selectors.reference_ideas(reference),
            "can_research": _can_research(membership),
            "crumbs": _reference_crumbs(project),
        },
    )


def _reference_form_page(request, project, reference):
    form = ReferenceForm(request.POST or None, project=project, instance=reference)
    if request.method == "POST" and form.is_valid():
        try:
            if reference is None:
                reference = services.reference_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Reference added.")
            else:
                services.reference_update(by=request.user, reference=reference, **form.service_arguments())
                messages.success(request, "Reference saved.")
        except ValidationError as exc:
            if reference is not None and reference.pk:
                reference.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("reference", project, reference_id=reference.pk))
    crumbs = _reference_crumbs(project)
    if reference is not None:
        crumbs.append((reference.title, _url("reference", project, reference_id=reference.pk)))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/reference_form.html",
        {"project": project, "form": form, "reference": reference, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def reference_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.RESEARCH)
    return _reference_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def reference_edit(request, project_id, reference_id):
    project, membership, reference = selectors.reference_for(request.user, project_id, reference_id, Action.RESEARCH)
    return _reference_form_page(request, project, reference)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def reference_delete(request, project_id, reference_id):
    project, membership, reference = selectors.reference_for(request.user, project_id, reference_id, Action.RESEARCH)
    return confirm_delete(
        request,
        project=project,
        step="research",
        what="reference",
        name=reference.title,
        consequence="It is also taken off the priorities it supports.",
        cancel_url=_url("reference", project, reference_id=reference.pk),
        crumbs=_reference_crumbs(project, (reference.title, _url("reference", project, reference_id=reference.pk))),
        delete=lambda: services.reference_delete(by=request.user, reference=reference),
        done_url=_url("references", project),
    )


@require_http_methods(["GET", "POST"])
def references_import(request, project_id):
    """Upload a CSV or RIS file of references: checked in full first; any problem and nothing is added."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.RESEARCH)
    form = ReferenceImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = form.read()
        if result.ok:
            try:
                report = services.references_import(by=request.user, project=project, records=result.records)
            except ValidationError as exc:
                form.add_error("file", f"Nothing was imported. {' '.join(exc.messages)}")
            else:
                messages.success(request, _import_message(report))
                return redirect(_url("references", project))
        else:
            count = result.problem_count
            form.add_error(
                "file",
                f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''}. Fix "
                f"{'them' if count != 1 else 'it'} and upload the file again.",
            )
    return TemplateResponse(
        request,
        f"{TEMPLATES}/reference_import.html",
        {
            "project": project,
            "form": form,
            "result": result,
            "fields": importing.FIELDS,
            "max_mb": importing.MAX_BYTES // (1024 * 1024),
            "max_records": importing.MAX_RECORDS,
            "crumbs": _reference_crumbs(project),
        },
    )


def _import_message(report: services.ImportReport) -> str:
    message = f"Import finished: {report.added} reference{'s' if report.added != 1 else ''} added."
    if report.already_there:
        message += (
            f" {report.already_there} {'was' if report.already_there == 1 else 'were'} already in the evidence base "
            "(the same DOI) and left as they were."
        )
    return message


@require_GET
def references_import_template(request, project_id):
    access.get_project_for_user(request.user, project_id, Action.RESEARCH)
    response = csv_download("references-template.csv")
    csv.writer(response).writerow(importing.FIELDS)
    return response


# --- Existing initiatives --------------------------------------------------------------


@require_GET
def initiative_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/initiative_list.html",
        {
            "project": project,
            "initiatives": selectors.initiatives(project),
            "can_research": _can_research(membership),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


@require_GET
def initiative_detail(request, project_id, initiative_id):
    project, membership, initiative = selectors.initiative_for(request.user, project_id, initiative_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/initiative_detail.html",
        {
            "project": project,
            "initiative": initiative,
            "characteristics": presenters.characteristic_labels(initiative.characteristics),
            "populations": initiative.populations.all(),
            "can_research": _can_research(membership),
            "crumbs": _initiative_crumbs(project),
        },
    )


def _initiative_form_page(request, project, initiative):
    form = InitiativeForm(request.POST or None, project=project, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            if initiative is None:
                initiative = services.initiative_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Initiative added.")
            else:
                services.initiative_update(by=request.user, initiative=initiative, **form.service_arguments())
                messages.success(request, "Initiative saved.")
        except ValidationError as exc:
            if initiative is not None and initiative.pk:
                initiative.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("initiative", project, initiative_id=initiative.pk))
    crumbs = _initiative_crumbs(project)
    if initiative is not None:
        crumbs.append((initiative.name, _url("initiative", project, initiative_id=initiative.pk)))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/initiative_form.html",
        {"project": project, "form": form, "initiative": initiative, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def initiative_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.RESEARCH)
    return _initiative_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def initiative_edit(request, project_id, initiative_id):
    project, membership, initiative = selectors.initiative_for(request.user, project_id, initiative_id, Action.RESEARCH)
    return _initiative_form_page(request, project, initiative)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def initiative_delete(request, project_id, initiative_id):
    project, membership, initiative = selectors.initiative_for(request.user, project_id, initiative_id, Action.RESEARCH)
    return confirm_delete(
        request,
        project=project,
        step="research",
        what="initiative",
        name=initiative.name,
        consequence="New priorities are no longer checked against it.",
        cancel_url=_url("initiative", project, initiative_id=initiative.pk),
        crumbs=_initiative_crumbs(project, (initiative.name, _url("initiative", project, initiative_id=initiative.pk))),
        delete=lambda: services.initiative_delete(by=request.user, initiative=initiative),
        done_url=_url("initiatives", project),
    )
