"""Step 1, Identify. 1A: upload service data, check its quality, and see it
broken down by protected and other characteristics."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from amhe.analysis.csv_safe import csv_safe
from amhe.analysis.downloads import csv_download
from amhe.core import access, navigation
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import step_overview
from amhe.surveys.views_builder import overview_context as communities_context
from identify import presenters, selectors, services
from identify.forms import MappingForm, UploadForm
from identify.models import Extract
from identify.uploads import MaxSizeUploadHandler


def _extracts_context(request, project, membership):
    return {
        "extracts": selectors.recent_extracts(project),
        "can_upload": access.role_can(membership.role, Action.UPLOAD_DATA),
    }


def _overview_context(request, project, membership):
    """1A's uploads and 1B's surveys and community work."""
    return {
        **_extracts_context(request, project, membership),
        **communities_context(request, project, membership, "identify"),
    }


def overview(request, project_id):
    return step_overview(
        request, project_id=project_id, step_number=1, template="identify/overview.html", extra=_overview_context
    )


def _crumbs(project, *extra):
    return navigation.crumbs(project, "identify", *extra)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def extract_new(request, project_id):
    """Upload an extract. Access is checked before the body is read, and the size
    limit is enforced while the file streams in."""
    project, _membership = access.get_project_for_user(request.user, project_id, Action.UPLOAD_DATA)
    handler = MaxSizeUploadHandler(settings.AMHE_UPLOAD_MAX_BYTES, request)
    if request.method == "POST":
        request.upload_handlers.insert(0, handler)
        request.POST  # noqa: B018 - parse now, through the size check, before the CSRF check reads the body
        if handler.too_large:
            # Answered without the CSRF check: a request too large to read may not have
            # reached its token, and this answer changes nothing.
            return _too_large(request, project)
    return _extract_new(request, project_id)


def _too_large(request, project):
    limit_mb = settings.AMHE_UPLOAD_MAX_BYTES // (1024 * 1024)
    form = UploadForm(request.POST)
    form.is_valid()
    form.errors.clear()
    form.add_error(
        "file",
        f"The file is larger than {limit_mb} MB. Split it into smaller files (for example one per quarter), or "
        "remove columns you do not need, then upload each part.",
    )
    return _upload_page(request, project, form, status=413)


def _upload_page(request, project, form, status=200):
    return TemplateResponse(
        request,
        "identify/upload.html",
        {
            "project": project,
            "form": form,
            "limit_mb": settings.AMHE_UPLOAD_MAX_BYTES // (1024 * 1024),
            "crumbs": _crumbs(project),
        },
        status=status,
    )


@csrf_protect
def _extract_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.UPLOAD_DATA)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                extract = services.extract_upload(
                    by=request.user,
                    project=project,
                    uploaded_file=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(extract)
    return _upload_page(request, project, form)


@never_cache  # those who may map the columns see a few of each column's values on it
@require_http_methods(["GET", "POST"])
def extract_detail(request, project_id, extract_id):
    """An upload's page: progress while it is read, the column mapping to confirm,
    progress while it is processed, then links to its quality report and dashboard."""
    project, membership, extract = selectors.extract_for(request.user, project_id, extract_id)
    can_upload = access.role_can(membership.role, Action.UPLOAD_DATA)
    form = None
    if (
        can_upload
        and extract.state in (Extract.State.MAPPING, Extract.State.READY, Extract.State.FAILED)
        and (extract.table_path)
    ):
        form = MappingForm(
            request.POST or None,
            extract=extract,
            field_choices=presenters.field_choices(extract.kind),
            suggested=extract.mapping or extract.suggested_mapping,
            populations=selectors.ready_populations(project),
            initial={"population": extract.population_id, "confidence": str(float(extract.confidence))},
            samples=presenters.column_samples(extract),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("You cannot change this upload now.")
        if form.is_valid():
            try:
                services.extract_confirm_mapping(
                    by=request.user,
                    extract=extract,
                    mapping=form.mapping(),
                    population=form.cleaned_data.get("population"),
                    reference_groups={},
                    confidence=form.cleaned_data["confidence"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Columns confirmed. The data is being checked and broken down.")
                return redirect(extract)
    return TemplateResponse(
        request,
        "identify/extract.html",
        {
            "project": project,
            "extract": extract,
            "view": presenters.extract_view(extract, user=request.user),
            "may_delete": presenters.may_delete(extract, request.user, membership),
            "form": form,
            "crumbs": _crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def extract_delete(request, project_id, extract_id):
    """Confirm, then delete an upload and everything stored from it (the uploader or a lead)."""
    project, membership, extract = selectors.extract_for(request.user, project_id, extract_id)
    if not presenters.may_delete(extract, request.user, membership):
        raise PermissionDenied("Only the analyst who uploaded this data or a project lead can delete it.")
    if request.method == "POST":
        services.extract_delete(by=request.user, extract=extract)
        messages.success(request, f"'{extract.title}' and everything worked out from it have been deleted.")
        return redirect("identify:overview", project_id=project.pk)
    return TemplateResponse(
        request,
        "identify/extract_delete.html",
        {
            "project": project,
            "extract": extract,
            "deletion": presenters.deletion_view(extract),
            "crumbs": _crumbs(project, (extract.title, extract.get_absolute_url())),
        },
    )


@never_cache  # the uploading analyst sees cell values on it
def extract_quality(request, project_id, extract_id):
    project, membership, extract = selectors.extract_for(request.user, project_id, extract_id)
    quality = getattr(extract, "quality", None)
    if quality is None:
        raise Http404("No quality report yet")
    show_values = presenters.may_see_raw(extract, request.user, membership)
    return TemplateResponse(
        request,
        "identify/quality.html",
        {
            "project": project,
            "extract": extract,
            "quality": presenters.quality_view(quality.report, show_values=show_values),
            "trend": presenters.quality_trend(extract),
            "crumbs": _crumbs(project, (extract.title, extract.get_absolute_url())),
        },
    )


def _dashboard_context(request, project_id, extract_id) -> dict:
    """What every page of an extract's breakdown dashboard needs: raw (unsuppressed)
    figures only for the analyst who uploaded the data."""
    project, membership, extract = selectors.extract_for(request.user, project_id, extract_id)
    if extract.state != Extract.State.READY:
        raise Http404("Not processed yet")
    may_see_raw = presenters.may_see_raw(extract, request.user, membership)
    raw = request.GET.get("raw") == "1" and may_see_raw
    overview_url = reverse("identify:dashboard", kwargs={"project_id": project.pk, "extract_id": extract.pk})
    return {
        "project": project,
        "extract": extract,
        "raw": raw,
        "may_see_raw": may_see_raw,
        "raw_query": "?raw=1" if raw else "",
        "overview_url": overview_url,
    }


@never_cache  # ?raw=1 shows the uploading analyst unsuppressed figures
def extract_dashboard(request, project_id, extract_id):
    """The dashboard's first page: what stands out, and the way to each characteristic."""
    context = _dashboard_context(request, project_id, extract_id)
    extract, project = context["extract"], context["project"]
    return TemplateResponse(
        request,
        "identify/dashboard.html",
        {
            **context,
            "overview": presenters.dashboard_overview(extract, raw=context["raw"]),
            "crumbs": _crumbs(project, (extract.title, extract.get_absolute_url())),
        },
    )


@never_cache  # ?raw=1 shows the uploading analyst unsuppressed figures
def extract_dashboard_section(request, project_id, extract_id, characteristic):
    """One characteristic's breakdown: its charts, each with its table and summary."""
    context = _dashboard_context(request, project_id, extract_id)
    extract, project = context["extract"], context["project"]
    section = presenters.dashboard_section(extract, characteristic, raw=context["raw"])
    if section is None:
        raise Http404("No breakdown by that characteristic")
    pages = presenters.characteristics(extract)
    index = next(i for i, page in enumerate(pages) if page.slug == section.slug)
    return TemplateResponse(
        request,
        "identify/dashboard_section.html",
        {
            **context,
            "section": section,
            "characteristics": pages,
            "previous_page": pages[index - 1] if index > 0 else None,
            "next_page": pages[index + 1] if index + 1 < len(pages) else None,
            "crumbs": _crumbs(
                project,
                (extract.title, extract.get_absolute_url()),
                ("Breakdowns", context["overview_url"] + context["raw_query"]),
            ),
        },
    )


@recent_sign_in_required(when=lambda request: request.GET.get("raw") == "1")
@require_GET
def extract_export(request, project_id, extract_id):
    """The breakdowns as CSV: suppressed for everyone; unsuppressed only for the
    analyst who uploaded the data, marked as not for publication."""
    project, membership, extract = selectors.extract_for(request.user, project_id, extract_id)
    if extract.state != Extract.State.READY:
        raise Http404("Not processed yet")
    raw = request.GET.get("raw") == "1"
    if raw and not presenters.may_see_raw(extract, request.user, membership):
        raise PermissionDenied("Only the analyst who uploaded this data can export unsuppressed figures.")
    columns, rows = presenters.export_rows(extract, raw=raw)
    name = "unsuppressed-NOT-FOR-PUBLICATION" if raw else "suppressed"
    response = csv_download(f"breakdowns-{extract.pk}-{name}.csv")
    writer = csv.writer(response)
    if raw:
        writer.writerow(["NOT FOR PUBLICATION: unsuppressed figures, for the uploading analyst only."])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return response
