"""Evaluate 4B pages: feedback forms, the public feedback page's switch, and
"you said, we did" entries.

Every member reads the feedback page and the entries (Action.VIEW); leads and
analysts open feedback forms (Action.ENGAGE, as for any survey); leads write,
publish and take down entries and run the public page (Action.PUBLISH_FEEDBACK).
The forms themselves, their answers, coding and results are the survey engine's
pages. The public page is views_public.
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
from amhe.core.selectors import suppression_rule_for
from amhe.core.two_factor import recent_sign_in_required
from amhe.core.views import confirm_delete
from amhe.surveys.selectors import survey_url
from evaluate.feedback import presenters, selectors, services
from evaluate.feedback.forms import EntryForm, FeedbackFormNewForm
from evaluate.models import YouSaidWeDid
from identify.community.presenters import rule_sentence

TEMPLATES = "evaluate/feedback"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("Feedback", _url("feedback", project)), *extra)


def public_url(request, page) -> str:
    return request.build_absolute_uri(reverse("public:feedback", kwargs={"token": page.token}))


@require_GET
def feedback(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    rule = suppression_rule_for(project)
    page = selectors.feedback_page(project)
    forms = [
        (row, survey_url("survey", row.form.survey), survey_url("survey-results", row.form.survey))
        for row in presenters.form_rows(selectors.feedback_forms(project), rule)
    ]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/feedback.html",
        {
            "project": project,
            "crumbs": navigation.crumbs(project, "evaluate"),
            "forms": forms,
            "page": page,
            "page_url": public_url(request, page) if page else "",
            "entries": presenters.entry_views(project, selectors.entries(project), rule),
            "rule_sentence": rule_sentence(rule, "the people who gave feedback"),
            "symbol": rule.symbol,
            "can_engage": access.role_can(membership.role, Action.ENGAGE),
            "can_publish": access.role_can(membership.role, Action.PUBLISH_FEEDBACK),
        },
    )


@require_http_methods(["GET", "POST"])
def form_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.ENGAGE)
    form = FeedbackFormNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.feedback_form_create(
                by=request.user, project=project, audience=form.cleaned_data["audience"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Feedback form '{made.survey.title}' is open. Share its link.")
            return redirect(_url("feedback", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/form_new.html",
        {"project": project, "form": form, "crumbs": _crumbs(project)},
    )


PAGE_ACTIONS = {"on", "off", "new"}


@require_http_methods(["GET", "POST"])
def page_settings(request, project_id):
    """Switch the public feedback page on or off, or give it a new address."""
    project, membership = access.get_project_for_user(request.user, project_id, Action.PUBLISH_FEEDBACK)
    page = selectors.feedback_page(project)
    if request.method == "POST":
        what = request.POST.get("action")
        if what in PAGE_ACTIONS:
            if page is None:
                page = services.feedback_page_get_or_create(by=request.user, project=project)
            if what == "new":
                services.feedback_page_new_address(by=request.user, page=page)
                messages.success(request, "The feedback page has a new address. The old one no longer works.")
            else:
                services.feedback_page_switch(by=request.user, page=page, on=what == "on")
                messages.success(request, f"The feedback page is {'on' if what == 'on' else 'off'}.")
            return redirect(_url("feedback-page", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/page_settings.html",
        {
            "project": project,
            "page": page,
            "page_url": public_url(request, page) if page else "",
            "crumbs": _crumbs(project),
        },
    )


def _entry_form_page(request, project, entry):
    themes = selectors.themes(project)
    initial = None
    if entry is not None:
        initial = {"you_said": entry.you_said, "we_did": entry.we_did, "themes": list(entry.themes.all())}
    form = EntryForm(request.POST or None, initial=initial, themes=themes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if entry is None:
                entry = services.ysd_create(
                    by=request.user,
                    project=project,
                    you_said=data["you_said"],
                    we_did=data["we_did"],
                    themes=data["themes"],
                )
                messages.success(request, "Entry saved as a draft. Publish it to show it on the public page.")
            else:
                was_published = entry.state == YouSaidWeDid.State.PUBLISHED
                services.ysd_update(
                    by=request.user,
                    entry=entry,
                    you_said=data["you_said"],
                    we_did=data["we_did"],
                    themes=data["themes"],
                )
                messages.success(
                    request,
                    "Entry saved. It is a draft again: publish it to show it on the public page."
                    if was_published
                    else "Entry saved.",
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_url("feedback", project) + "#you-said-we-did")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/entry_form.html",
        {"project": project, "form": form, "entry": entry, "crumbs": _crumbs(project), "has_themes": themes.exists()},
    )


@require_http_methods(["GET", "POST"])
def entry_new(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.PUBLISH_FEEDBACK)
    return _entry_form_page(request, project, None)


@require_http_methods(["GET", "POST"])
def entry_edit(request, project_id, entry_id):
    project, membership, entry = selectors.entry_for(request.user, project_id, entry_id, Action.PUBLISH_FEEDBACK)
    return _entry_form_page(request, project, entry)


@require_http_methods(["GET", "POST"])
def entry_publish(request, project_id, entry_id):
    """GET: the entry as the public page would show it; POST publishes it, or takes it down."""
    project, membership, entry = selectors.entry_for(request.user, project_id, entry_id, Action.PUBLISH_FEEDBACK)
    rule = suppression_rule_for(project)
    if request.method == "POST":
        try:
            if entry.state == YouSaidWeDid.State.PUBLISHED:
                services.ysd_unpublish(by=request.user, entry=entry)
                messages.success(request, "Entry taken off the public page. It is a draft again.")
            else:
                services.ysd_publish(by=request.user, entry=entry)
                messages.success(request, "Entry published on the public page.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(_url("feedback", project) + "#you-said-we-did")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/entry_publish.html",
        {
            "project": project,
            "view": presenters.entry_view(entry, rule),
            "published": entry.state == YouSaidWeDid.State.PUBLISHED,
            "suppressed_words": presenters.suppressed_words(rule),
            "symbol": rule.symbol,
            "crumbs": _crumbs(project),
        },
    )


@recent_sign_in_required
@require_http_methods(["GET", "POST"])
def entry_delete(request, project_id, entry_id):
    project, membership, entry = selectors.entry_for(request.user, project_id, entry_id, Action.PUBLISH_FEEDBACK)
    return confirm_delete(
        request,
        project=project,
        step="evaluate",
        what="'you said, we did' entry",
        name=str(entry),
        consequence="If it is published, it goes from the public page too.",
        cancel_url=_url("feedback", project),
        crumbs=_crumbs(project),
        delete=lambda: services.ysd_delete(by=request.user, entry=entry),
        done_url=_url("feedback", project),
        message="Entry deleted.",
    )
