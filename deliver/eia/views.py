"""Deliver 3A: equality impact assessments (EIAs) of the strategy and its interventions.

Reading needs Action.VIEW; writing and submitting Action.EDIT_STRATEGY (leads and
commissioners); signing off or returning with comments Action.SIGN_OFF_EIA
(governance leads), never on one's own submission.
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
from deliver.eia import presenters, selectors, services
from deliver.eia.forms import EiaDecisionForm, EiaForm, EiaNewForm
from deliver.models import EiaVersion

TEMPLATES = "deliver/eia"
State = EiaVersion.State
# The states in which the latest version can still be submitted.
OPEN = (State.DRAFT, State.RETURNED)


def _url(name, project, **kwargs) -> str:
    return reverse(f"deliver:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, eia=None):
    trail = [("Equality impact assessments", _url("eias", project))]
    if eia is not None:
        trail.append((presenters.subject_label(eia), _url("eia", project, eia_id=eia.pk)))
    return navigation.crumbs(project, "deliver", *trail)


def _can(membership, action) -> bool:
    return access.role_can(membership.role, action)


def overview_context(request, project, membership) -> dict:
    """What the Deliver page shows under 3A."""
    return {
        "eia_summary": {
            "rows": [(eia, eia.versions.all()[0]) for eia in selectors.eias(project)],
            "can_edit": _can(membership, Action.EDIT_STRATEGY),
        }
    }


@require_GET
def eia_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    rows = [
        {"eia": eia, "subject": presenters.subject_label(eia), "latest": eia.versions.all()[0]}
        for eia in selectors.eias(project)
    ]
    for row in rows:
        row["tag"] = presenters.state_tag(row["latest"])
    strategy, interventions = selectors.subjects_without_eia(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_list.html",
        {
            "project": project,
            "rows": rows,
            "can_add": _can(membership, Action.EDIT_STRATEGY) and (strategy is not None or bool(interventions)),
            "crumbs": navigation.crumbs(project, "deliver"),
        },
    )


@require_http_methods(["GET", "POST"])
def eia_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EDIT_STRATEGY)
    strategy, interventions = selectors.subjects_without_eia(project)
    initial = {}
    if request.GET.get("intervention"):
        initial["subject"] = request.GET["intervention"]
    elif request.GET.get("strategy"):
        initial["subject"] = "strategy"
    form = EiaNewForm(request.POST or None, initial=initial, strategy=strategy, interventions=interventions)
    if request.method == "POST" and form.is_valid():
        try:
            eia = services.eia_create(by=request.user, project=project, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Assessment started. Assess the impact on each characteristic.")
            return redirect(_url("eia-edit", project, eia_id=eia.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_new.html",
        {
            "project": project,
            "form": form,
            "nothing_left": strategy is None and not interventions,
            "crumbs": _crumbs(project),
        },
    )


def _version_page(request, project, membership, eia, version, *, current: bool):
    latest = selectors.latest(eia)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_detail.html",
        {
            "project": project,
            "eia": eia,
            "subject": presenters.subject_label(eia),
            "version": version,
            "latest": latest,
            "current": current,
            "state_tag": presenters.state_tag(version),
            "rows": presenters.rows(selectors.impacts(version)),
            "problems": services.problems(version) if version.state in OPEN else [],
            "can_edit": current and _can(membership, Action.EDIT_STRATEGY) and version.state != State.SUBMITTED,
            "can_submit": current and _can(membership, Action.EDIT_STRATEGY) and version.state in OPEN,
            "can_decide": current
            and _can(membership, Action.SIGN_OFF_EIA)
            and version.state == State.SUBMITTED
            and version.submitted_by_id != request.user.pk,
            "can_read_history": _can(membership, Action.READ_HISTORY),
            "crumbs": _crumbs(project, eia) if not current else _crumbs(project),
        },
    )


@require_GET
def eia_detail(request, project_id, eia_id):
    """The latest version of the assessment."""
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id)
    return _version_page(request, project, membership, eia, selectors.latest(eia), current=True)


@require_GET
def eia_version(request, project_id, eia_id, version):
    """One version, read-only, as it was."""
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id)
    return _version_page(request, project, membership, eia, selectors.version_of(eia, version), current=False)


@require_GET
def eia_versions(request, project_id, eia_id):
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id)
    rows = [(version, presenters.state_tag(version)) for version in selectors.versions(eia)]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_versions.html",
        {
            "project": project,
            "eia": eia,
            "subject": presenters.subject_label(eia),
            "rows": rows,
            "crumbs": _crumbs(project, eia),
        },
    )


@require_http_methods(["GET", "POST"])
def eia_edit(request, project_id, eia_id):
    """The assessment: one group of fields per characteristic. Saving after sign-off starts a new version."""
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id, Action.EDIT_STRATEGY)
    version = selectors.latest(eia)
    waiting = version.state == State.SUBMITTED
    form = EiaForm(
        request.POST or None,
        initial=EiaForm.initial_from(version, selectors.impacts(version)),
        extracts=selectors.extract_choices(project),
        surveys=selectors.survey_choices(project),
    )
    if request.method == "POST" and not waiting and form.is_valid():
        submit = "submit" in request.POST
        try:
            saved = services.eia_save(
                by=request.user,
                eia=eia,
                submit=submit,
                base_url=request.build_absolute_uri("/"),
                **form.service_arguments(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if submit:
                messages.success(request, f"Version {saved.number} submitted for sign-off by a governance lead.")
            elif saved.number != version.number:
                messages.success(
                    request, f"Saved as version {saved.number}, a draft. Version {version.number} stays as signed off."
                )
            else:
                messages.success(request, "Assessment saved as a draft.")
            return redirect(_url("eia", project, eia_id=eia.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_form.html",
        {
            "project": project,
            "eia": eia,
            "subject": presenters.subject_label(eia),
            "version": version,
            "waiting": waiting,
            "new_version": version.state == State.SIGNED_OFF,
            "form": form,
            "headings": presenters.KIND_HEADINGS,
            "crumbs": _crumbs(project, eia),
        },
    )


@require_http_methods(["GET", "POST"])
def eia_submit(request, project_id, eia_id):
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id, Action.EDIT_STRATEGY)
    version = selectors.latest(eia)
    errors = []
    if request.method == "POST":
        try:
            services.eia_submit(by=request.user, eia=eia, base_url=request.build_absolute_uri("/"))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Version {version.number} submitted for sign-off by a governance lead.")
            return redirect(_url("eia", project, eia_id=eia.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_submit.html",
        {
            "project": project,
            "eia": eia,
            "subject": presenters.subject_label(eia),
            "version": version,
            "errors": errors,
            "problems": [] if errors else services.problems(version),
            "can_submit": version.state in OPEN,
            "crumbs": _crumbs(project, eia),
        },
    )


@require_http_methods(["GET", "POST"])
def eia_decide(request, project_id, eia_id):
    """A governance lead signs off the submitted version, or returns it with comments."""
    project, membership, eia = selectors.eia_for(request.user, project_id, eia_id, Action.SIGN_OFF_EIA)
    version = selectors.latest(eia)
    own = version.submitted_by_id == request.user.pk
    waiting = version.state == State.SUBMITTED and not own
    form = EiaDecisionForm(request.POST or None)
    if request.method == "POST" and waiting and form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if form.cleaned_data["decision"] == EiaDecisionForm.SIGN_OFF:
                services.eia_sign_off(
                    by=request.user, eia=eia, comment=comment, base_url=request.build_absolute_uri("/")
                )
                messages.success(request, f"Version {version.number} signed off.")
            else:
                services.eia_return(by=request.user, eia=eia, comment=comment, base_url=request.build_absolute_uri("/"))
                messages.success(request, f"Version {version.number} returned with your comments.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_url("eia", project, eia_id=eia.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/eia_decide.html",
        {
            "project": project,
            "eia": eia,
            "subject": presenters.subject_label(eia),
            "version": version,
            "waiting": waiting,
            "own": own and version.state == State.SUBMITTED,
            "form": form,
            "rows": presenters.rows(selectors.impacts(version)),
            "crumbs": _crumbs(project, eia),
        },
    )
