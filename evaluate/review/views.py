"""Evaluate 4C pages: the review of the cycle and starting the next one.

Everyone on the project reads the review; leads (Action.REVIEW_CYCLE) write it, mark
each goal, complete it and start the next cycle; panel members (Action.GIVE_VIEWS)
add their own view, shown without names."""

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
from amhe.core.views import confirm_delete
from evaluate.measures.views import measure_rows
from evaluate.models import Review
from evaluate.review import selectors, services
from evaluate.review.forms import GoalReviewForm, ReviewForm, ViewForm

TEMPLATES = "evaluate/review"


def _url(name, project, **kwargs) -> str:
    return reverse(f"evaluate:{name}", kwargs={"project_id": project.pk, **kwargs})


def _crumbs(project, *extra):
    return navigation.crumbs(project, "evaluate", ("Review of the cycle", _url("review", project)), *extra)


def overview_context(request, project, membership) -> dict:
    review = selectors.review_of(project)
    return {
        "review_summary": {
            "review": review,
            "can_review": access.role_can(membership.role, Action.REVIEW_CYCLE),
            "next_cycle": _next_cycle(project),
        }
    }


def _next_cycle(project):
    try:
        return project.next_cycle
    except project.__class__.next_cycle.RelatedObjectDoesNotExist:
        return None


@require_GET
def review_detail(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id)
    review = selectors.review_of(project)
    rows = {row.measure.pk: row for row in measure_rows(project)}
    goals = [(row, rows.get(row.goal.measure_id)) for row in selectors.goal_rows(review, project)]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/review.html",
        {
            "project": project,
            "review": review,
            "goals": goals,
            "views": selectors.views(review) if review else [],
            "own_view": selectors.own_view(review, request.user) if review else None,
            "can_review": access.role_can(membership.role, Action.REVIEW_CYCLE),
            "can_give_view": access.role_can(membership.role, Action.GIVE_VIEWS),
            "next_cycle": _next_cycle(project),
            "crumbs": navigation.crumbs(project, "evaluate"),
        },
    )


@require_http_methods(["GET", "POST"])
def review_edit(request, project_id):
    project, membership = access.get_project_for_user(request.user, project_id, Action.REVIEW_CYCLE)
    review = selectors.review_of(project)
    if review is not None and review.state == Review.State.COMPLETE:
        messages.info(request, "This review is complete and can no longer be changed.")
        return redirect(_url("review", project))
    form = ReviewForm(request.POST or None, project=project, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(by=request.user, project=project, **form.service_arguments())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Review saved.")
            return redirect(_url("review", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/review_form.html",
        {"project": project, "form": form, "review": review, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def goal_mark(request, project_id, goal_id):
    project, membership, review = selectors.review_for(request.user, project_id, Action.REVIEW_CYCLE)
    goal = selectors.goal_for(project, goal_id)
    if review.state == Review.State.COMPLETE:
        messages.info(request, "This review is complete and can no longer be changed.")
        return redirect(_url("review", project))
    marked = review.goal_reviews.filter(goal=goal).first()
    form = GoalReviewForm(request.POST or None, instance=marked)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_review_save(by=request.user, review=review, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Goal marked.")
            return redirect(_url("review", project) + f"#goal-{goal.pk}")
    measure_row = next((r for r in measure_rows(project) if r.measure.pk == goal.measure_id), None)
    return TemplateResponse(
        request,
        f"{TEMPLATES}/goal_form.html",
        {"project": project, "form": form, "goal": goal, "measure_row": measure_row, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def review_complete(request, project_id):
    project, membership, review = selectors.review_for(request.user, project_id, Action.REVIEW_CYCLE)
    if review.state == Review.State.COMPLETE:
        return redirect(_url("review", project))
    errors = []
    if request.method == "POST":
        try:
            services.review_complete(by=request.user, review=review)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Review complete. You can now start the next cycle.")
            return redirect(_url("review", project))
    return TemplateResponse(
        request,
        f"{TEMPLATES}/review_complete.html",
        {"project": project, "review": review, "errors": errors, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def next_cycle_start(request, project_id):
    project, membership, review = selectors.review_for(request.user, project_id, Action.REVIEW_CYCLE)
    following = _next_cycle(project)
    if following is not None:
        messages.info(request, "The next cycle has already been started.")
        return redirect(following.get_absolute_url())
    errors = []
    if request.method == "POST":
        try:
            new = services.next_cycle_start(by=request.user, review=review)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"Cycle {new.cycle_number} started. It begins again at 1. Identify.")
            return redirect(new.get_absolute_url())
    carried = [row for row in selectors.goal_rows(review, project) if row.marked and row.marked.outcome != "met"]
    return TemplateResponse(
        request,
        f"{TEMPLATES}/next_cycle.html",
        {
            "project": project,
            "review": review,
            "errors": errors,
            "carried_goals": carried,
            "measures": project.measures.all(),
            "crumbs": _crumbs(project),
        },
    )


@require_http_methods(["GET", "POST"])
def view_edit(request, project_id):
    project, membership, review = selectors.review_for(request.user, project_id, Action.GIVE_VIEWS)
    own = selectors.own_view(review, request.user)
    form = ViewForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.view_save(by=request.user, review=review, view=form.cleaned_data["view"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your view is saved. It is shown without your name.")
            return redirect(_url("review", project) + "#views")
    return TemplateResponse(
        request,
        f"{TEMPLATES}/view_form.html",
        {"project": project, "form": form, "own": own, "crumbs": _crumbs(project)},
    )


@require_http_methods(["GET", "POST"])
def view_remove(request, project_id):
    project, membership, review = selectors.review_for(request.user, project_id, Action.GIVE_VIEWS)
    own = selectors.own_view(review, request.user)
    if own is None:
        return TemplateResponse(request, f"{TEMPLATES}/no_view.html", {"project": project, "crumbs": _crumbs(project)})
    return confirm_delete(
        request,
        project=project,
        step="evaluate",
        what="your view",
        name=own.view[:80],
        consequence="It is taken off the review.",
        cancel_url=_url("review", project) + "#views",
        crumbs=_crumbs(project),
        delete=lambda: services.view_remove(by=request.user, review=review),
        done_url=_url("review", project) + "#views",
        message="Your view was taken off.",
    )
