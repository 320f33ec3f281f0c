"""Research 2A, positive practice: the project's case studies (list with search
and filters, add, change, delete, attachments, sharing and its review) and the
Shared positive practice pages every signed-in user of every organisation reads.

Project pages find the project and each record through the access helpers in
research.practice.selectors (404 outside the project, 403 if the role does not
allow the Action). Reading needs Action.VIEW; recording, attaching, submitting
and withdrawing need Action.RECORD_PRACTICE (leads); approving or declining
sharing needs Action.REVIEW_SHARING (governance leads). The shared pages find
case studies only through selectors.shared_case_study_for: shared ones, alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from amhe.core import access, navigation
from amhe.core import presenters as core_presenters
from amhe.core.access import Action
from amhe.core.forms import add_service_errors
from amhe.core.two_factor import recent_sign_in_required
from identify.uploads import MaxSizeUploadHandler
from research.practice import attachments, presenters, selectors, services
from research.practice.forms import AttachmentForm, CaseStudyForm, ReviewForm, SearchForm

TEMPLATES = "research/practice"
PER_PAGE = 20


def _url(name, project, **kwargs) -> str:
    return reverse(f"research:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "research", ("Positive practice", _url("practice", project)), *extra)


def _case_study_crumbs(project, case_study, *extra):
    return _crumbs(
        project, (case_study.title, _url("practice-case-study", project, case_study_id=case_study.pk)), *extra
    )


def _may(membership, action) -> bool:
    return access.role_can(membership.role, action)


def overview_context(project, membership) -> dict:
    """What the step page shows under 2A: counts and links (research/practice/_overview.html)."""
    counts = selectors.sharing_counts(project)
    may_review = _may(membership, Action.REVIEW_SHARING)
    return {
        "practice": {
            "count": sum(counts.values()),
            "shared": counts.get("shared", 0),
            "waiting": list(selectors.waiting_for_review(project)) if may_review else [],
            "can_record": _may(membership, Action.RECORD_PRACTICE),
            "shared_count": selectors.shared_count(),
        }
    }


# --- The project's case studies ---------------------------------------------------------


@require_GET
def case_study_list(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    form = SearchForm(request.GET or None, organisation=project.organisation)
    filters = form.filters()
    found = selectors.case_studies(project, filters)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/list.html",
        {
            "project": project,
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "rows": presenters.rows(page.object_list),
            "count": page.paginator.count,
            "total": selectors.case_study_count(project),
            "page_links": core_presenters.page_links(page),
            "can_record": _may(membership, Action.RECORD_PRACTICE),
            "crumbs": navigation.crumbs(project, "research"),
        },
    )


def _form_page(request, project, case_study):
    form = CaseStudyForm(request.POST or None, organisation=project.organisation, case_study=case_study)
    if request.method == "POST" and form.is_valid():
        was_shared = case_study is not None and case_study.is_shared
        try:
            if case_study is None:
                case_study = services.case_study_create(by=request.user, project=project, **form.service_arguments())
                messages.success(request, "Case study saved. Only the members of this project can read it.")
            else:
                services.case_study_update(by=request.user, case_study=case_study, **form.service_arguments())
                messages.success(
                    request,
                    "Case study saved. It waits for a reviewer again before other organisations see the changes."
                    if was_shared
                    else "Case study saved.",
                )
        except ValidationError as exc:
            if case_study is not None and case_study.pk:
                case_study.refresh_from_db()
            add_service_errors(form, exc)
        else:
            return redirect(_url("practice-case-study", project, case_study_id=case_study.pk))
    crumbs = _crumbs(project) if case_study is None else _case_study_crumbs(project, case_study)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/form.html",
        {"project": project, "form": form, "case_study": case_study, "crumbs": crumbs},
    )


@require_http_methods(["GET", "POST"])
def case_study_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.RECORD_PRACTICE)
    return _form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def case_study_edit(request, project_id, case_study_id):
    project, membership, case_study = selectors.case_study_for(
        request.user, project_id, case_study_id, Action.RECORD_PRACTICE
    )
    return _form_page(request, project, case_study)


def _attachment_url(project):
    def url_for(attachment):
        return _url("practice-attachment", project, case_study_id=attachment.case_study_id, attachment_id=attachment.pk)

    return url_for


@require_GET
def case_study_detail(request, project_id, case_study_id):
    project, membership, case_study = selectors.case_study_for(request.user, project_id, case_study_id)
    may_record = _may(membership, Action.RECORD_PRACTICE)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "project": project,
            "case_study": case_study,
            "row": presenters.row(case_study),
            "attachments": presenters.attachment_rows(selectors.attachments(case_study), _attachment_url(project)),
            "sharing": presenters.sharing_state(
                case_study, may_record=may_record, may_review=_may(membership, Action.REVIEW_SHARING)
            ),
            "can_record": may_record,
            "can_research": _may(membership, Action.RESEARCH),
            "crumbs": _crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def case_study_delete(request, project_id, case_study_id):
    project, membership, case_study = selectors.case_study_for(
        request.user, project_id, case_study_id, Action.RECORD_PRACTICE
    )
    if request.method == "POST":
        title = case_study.title
        services.case_study_delete(by=request.user, case_study=case_study)
        messages.success(request, f"Case study '{title}' deleted.")
        return redirect(_url("practice", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/delete.html",
        {
            "project": project,
            "case_study": case_study,
            "attachment_count": len(selectors.attachments(case_study)),
            "crumbs": _case_study_crumbs(project, case_study),
        },
    )


# --- Attachments ------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
def attachment_new(request, project_id, case_study_id):
    """Attach a file. Access is checked before the body is read, and the size limit is
    enforced while the file streams in (as for 1A uploads)."""
    project, membership, case_study = selectors.case_study_for(
        request.user, project_id, case_study_id, Action.RECORD_PRACTICE
    )
    if request.method == "POST":
        handler = MaxSizeUploadHandler(attachments.MAX_BYTES, request)
        request.upload_handlers.insert(0, handler)
        request.POST  # noqa: B018 - parse now, through the size check, before the CSRF check reads the body
        if handler.too_large:
            # Answered without the CSRF check: it changes nothing.
            form = AttachmentForm(request.POST)
            form.is_valid()
            form.errors.clear()
            form.add_error(
                "file",
                f"The selected file is larger than {attachments.MAX_BYTES // (1024 * 1024)} MB. Make it smaller, "
                "or link to it from the case study instead",
            )
            return _attachment_page(request, project, case_study, form, status=413)
    return _attachment_new(request, project, case_study)


@csrf_protect
def _attachment_new(request, project, case_study):
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        was_shared = case_study.is_shared
        try:
            attachment = services.attachment_add(
                by=request.user,
                case_study=case_study,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            message = f"'{attachment.filename}' attached."
            if was_shared:
                message += " The case study waits for a reviewer again before other organisations see it."
            messages.success(request, message)
            return redirect(_url("practice-case-study", project, case_study_id=case_study.pk))
    return _attachment_page(request, project, case_study, form)


def _attachment_page(request, project, case_study, form, status=200):
    return TemplateResponse(
        request,
        f"{TEMPLATES}/attachment_form.html",
        {
            "project": project,
            "case_study": case_study,
            "form": form,
            "max_mb": attachments.MAX_BYTES // (1024 * 1024),
            "crumbs": _case_study_crumbs(project, case_study),
        },
        status=status,
    )


def _download(attachment, *, shared: bool) -> HttpResponse:
    """The file as a download under its safe name. Read whole (attachments are at most
    attachments.MAX_BYTES), so no file stays open however the response is consumed."""
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing") from None
    response = HttpResponse(content, content_type=attachments.CONTENT_TYPES[attachment.kind])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.filename)
    # Files of shared case studies may sit in the reader's own browser cache; others are never kept.
    response["Cache-Control"] = "private, max-age=0, must-revalidate" if shared else "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def attachment_download(request, project_id, case_study_id, attachment_id):
    project, membership, attachment = selectors.attachment_for(request.user, project_id, case_study_id, attachment_id)
    return _download(attachment, shared=attachment.case_study.is_shared)


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def attachment_delete(request, project_id, case_study_id, attachment_id):
    project, membership, attachment = selectors.attachment_for(
        request.user, project_id, case_study_id, attachment_id, Action.RECORD_PRACTICE
    )
    case_study = attachment.case_study
    if request.method == "POST":
        services.attachment_delete(by=request.user, attachment=attachment)
        messages.success(request, f"'{attachment.filename}' removed.")
        return redirect(_url("practice-case-study", project, case_study_id=case_study.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/attachment_delete.html",
        {
            "project": project,
            "case_study": case_study,
            "attachment": attachment,
            "crumbs": _case_study_crumbs(project, case_study),
        },
    )


# --- Sharing ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sharing(request, project_id, case_study_id):
    """Submit for sharing with every organisation, or withdraw (POST action=submit|withdraw)."""
    project, membership, case_study = selectors.case_study_for(
        request.user, project_id, case_study_id, Action.RECORD_PRACTICE
    )
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                services.sharing_submit(by=request.user, case_study=case_study)
                messages.success(request, "Submitted for sharing. A reviewer from your organisation will decide.")
            elif action == "withdraw":
                services.sharing_withdraw(by=request.user, case_study=case_study)
                messages.success(request, "No longer shared: only the members of this project can read it.")
            else:
                raise ValidationError("Choose whether to submit it for sharing or withdraw it.")
        except ValidationError as exc:
            case_study.refresh_from_db()
            errors = exc.messages
        else:
            return redirect(_url("practice-case-study", project, case_study_id=case_study.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/sharing.html",
        {
            "project": project,
            "case_study": case_study,
            "errors": errors,
            "sharing": presenters.sharing_state(case_study, may_record=True, may_review=False),
            "reviewers": services.reviewers(case_study),
            "crumbs": _case_study_crumbs(project, case_study),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def review(request, project_id, case_study_id):
    """A reviewer approves or declines sharing a submitted case study."""
    project, membership, case_study = selectors.case_study_for(
        request.user, project_id, case_study_id, Action.REVIEW_SHARING
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.sharing_review(
                by=request.user, case_study=case_study, approve=approve, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Approved: every organisation can now find and read it."
                if approve
                else "Not approved. The lead can see your reason.",
            )
            return redirect(_url("practice-case-study", project, case_study_id=case_study.pk))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/review.html",
        {
            "project": project,
            "case_study": case_study,
            "row": presenters.row(case_study),
            "attachments": presenters.attachment_rows(selectors.attachments(case_study), _attachment_url(project)),
            "waiting": presenters.sharing_state(case_study, may_record=False, may_review=True).can_review,
            "form": form,
            "crumbs": _case_study_crumbs(project, case_study),
        },
    )


# --- Shared positive practice (every organisation) ---------------------------------------


def _shared_crumbs(*extra):
    return [*navigation.crumbs(), *extra]


def _shared_attachment_url(attachment):
    return reverse(
        "research-shared:attachment",
        kwargs={"case_study_id": attachment.case_study_id, "attachment_id": attachment.pk},
    )


@require_GET
def shared_search(request):
    form = SearchForm(request.GET or None)
    filters = form.filters()
    found = selectors.shared_case_studies(filters)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/shared_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "rows": presenters.rows(page.object_list),
            "count": page.paginator.count,
            "total": selectors.shared_count(),
            "page_links": core_presenters.page_links(page),
            "crumbs": _shared_crumbs(),
        },
    )


@require_GET
def shared_case_study(request, case_study_id):
    case_study = selectors.shared_case_study_for(request.user, case_study_id)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/shared_detail.html",
        {
            "case_study": case_study,
            "row": presenters.row(case_study),
            "attachments": presenters.attachment_rows(selectors.attachments(case_study), _shared_attachment_url),
            "crumbs": _shared_crumbs(("Shared positive practice", reverse("research-shared:search"))),
        },
    )


@require_GET
def shared_attachment(request, case_study_id, attachment_id):
    attachment = selectors.shared_attachment_for(request.user, case_study_id, attachment_id)
    return _download(attachment, shared=True)
