"""Evaluate 4A benchmarking: the project's figures against England and peer areas.

Everyone on the project reads (Action.VIEW); leads and analysts (Action.EVALUATE)
add, change and delete benchmarks and their comparators.
"""

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
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from evaluate.benchmarking import presenters, references, selectors, services
from evaluate.benchmarking.forms import BenchmarkForm, ComparatorForm, ComparatorUploadForm, PeersForm

TEMPLATES = "evaluate/benchmarking"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("Benchmarking", _url("benchmarks", project)), *extra)


def _benchmark_crumbs(project, benchmark):
    return _crumbs(project, (benchmark.title, _url("benchmark", project, benchmark_id=benchmark.pk)))


def benchmark_rows(project) -> list[tuple]:
    """Each benchmark with its short answer; also the step page's 4A block."""
    rule = suppression_rule_for(project)
    return [
        (b, presenters.own_verdict(b, selectors.latest_value(b.measure), rule)) for b in selectors.benchmarks(project)
    ]


@require_GET
def benchmark_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/benchmark_list.html",
        {
            "project": project,
            "rows": benchmark_rows(project),
            "can_evaluate": access.role_can(membership.role, Action.EVALUATE),
            "crumbs": navigation.crumbs(project, "evaluate"),
        },
    )


@require_GET
def benchmark_detail(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id)
    comparators = selectors.comparators(benchmark)
    view = presenters.benchmark_view(
        benchmark, comparators, selectors.latest_value(benchmark.measure), suppression_rule_for(project)
    )
    reference = references.get(benchmark.reference)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/benchmark_detail.html",
        {
            "project": project,
            "benchmark": benchmark,
            "view": view,
            "comparators": comparators,
            "has_peers": bool(reference and reference.peers),
            "can_evaluate": access.role_can(membership.role, Action.EVALUATE),
            "crumbs": _crumbs(project),
        },
    )


def _benchmark_form_page(request, project, benchmark):
    form = BenchmarkForm(request.POST or None, project=project, benchmark=benchmark)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.benchmark_save(
                by=request.user, project=project, benchmark=benchmark, **form.service_arguments()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Benchmark '{saved.title}' saved.")
            return redirect(_url("benchmark", project, benchmark_id=saved.pk))
    crumbs = _benchmark_crumbs(project, benchmark) if benchmark else _crumbs(project)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/benchmark_form.html",
        {"project": project, "form": form, "benchmark": benchmark, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def benchmark_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.EVALUATE)
    return _benchmark_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def benchmark_edit(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id, Action.EVALUATE)
    return _benchmark_form_page(request, project, benchmark)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def benchmark_delete(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id, Action.EVALUATE)
    return confirm_delete(
        request,
        project=project,
        step="evaluate",
        what="benchmark",
        name=benchmark.title,
        consequence="Its comparators go with it.",
        cancel_url=_url("benchmark", project, benchmark_id=benchmark.pk),
        crumbs=_benchmark_crumbs(project, benchmark),
        delete=lambda: services.benchmark_delete(by=request.user, benchmark=benchmark),
        done_url=_url("benchmarks", project),
    )


@require_http_methods(["GET", "POST"])
def comparator_new(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id, Action.EVALUATE)
    form = ComparatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comparator = services.comparator_add(by=request.user, benchmark=benchmark, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Comparator '{comparator.name}' saved.")
            return redirect(_url("benchmark", project, benchmark_id=benchmark.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/comparator_form.html",
        {"project": project, "benchmark": benchmark, "form": form, "crumbs": _benchmark_crumbs(project, benchmark)},
    )


@require_http_methods(["GET", "POST"])
def comparator_upload(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id, Action.EVALUATE)
    form = ComparatorUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.comparators_upload(by=request.user, benchmark=benchmark, data=form.data_bytes())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved} comparator{'' if saved == 1 else 's'} saved from the file.")
            return redirect(_url("benchmark", project, benchmark_id=benchmark.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/comparator_upload.html",
        {"project": project, "benchmark": benchmark, "form": form, "crumbs": _benchmark_crumbs(project, benchmark)},
    )


@require_http_methods(["GET", "POST"])
def comparator_peers(request, project_id, benchmark_id):
    project, membership, benchmark = selectors.benchmark_for(request.user, project_id, benchmark_id, Action.EVALUATE)
    reference = references.get(benchmark.reference)
    if reference is None or not reference.peers:
        raise Http404("This benchmark's reference has no peer areas.")
    form = PeersForm(request.POST or None, reference=reference)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.comparators_from_reference(
                by=request.user, benchmark=benchmark, codes=form.cleaned_data["codes"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{saved} area{'' if saved == 1 else 's'} added from the published data.")
            return redirect(_url("benchmark", project, benchmark_id=benchmark.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/comparator_peers.html",
        {
            "project": project,
            "benchmark": benchmark,
            "reference": reference,
            "form": form,
            "crumbs": _benchmark_crumbs(project, benchmark),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def comparator_delete(request, project_id, benchmark_id, comparator_id):
    project, membership, benchmark, comparator = selectors.comparator_for(
        request.user, project_id, benchmark_id, comparator_id, Action.EVALUATE
    )
    return confirm_delete(
        request,
        project=project,
        step="evaluate",
        what="comparator",
        name=comparator.name,
        consequence="It is taken off the funnel plot.",
        cancel_url=_url("benchmark", project, benchmark_id=benchmark.pk),
        crumbs=_benchmark_crumbs(project, benchmark),
        delete=lambda: services.comparator_delete(by=request.user, comparator=comparator),
        done_url=_url("benchmark", project, benchmark_id=benchmark.pk),
    )
