"""Evaluate 4C reads: the project's review (with its goals' evidence) and the access
helper for it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Membership, Role, SmartGoal
from evaluate.models import GoalReview, Review, ReviewView
from evaluate.review.services import goals_to_review


def review_of(project) -> Review | None:
    return Review.objects.filter(project=project).prefetch_related("panel_members").first()


def review_for(user, project_id, action: Action = Action.VIEW):
    """The project, the member and its review; 404 when there is none yet."""
    project, membership = access.get_project_for_user(user, project_id, action)
    review = review_of(project)
    if review is None:
        raise Http404("No review yet")
    return project, membership, review


def goal_for(project, goal_id) -> SmartGoal:
    goal = goals_to_review(project).filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal")
    return goal


def panel_members(project):
    return (
        Membership.objects.filter(project=project, role=Role.PANEL)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@dataclass(frozen=True)
class GoalRow:
    goal: SmartGoal
    marked: GoalReview | None


def goal_rows(review: Review | None, project) -> list[GoalRow]:
    marked = {gr.goal_id: gr for gr in review.goal_reviews.all()} if review else {}
    return [
        GoalRow(goal, marked.get(goal.pk))
        for goal in goals_to_review(project).select_related("measure", "owner", "population")
    ]


def views(review: Review) -> list[ReviewView]:
    """Panel members' views, in alphabetical order, without names."""
    return sorted(ReviewView.objects.filter(review=review), key=lambda v: v.view.casefold())


def own_view(review: Review, user) -> ReviewView | None:
    return ReviewView.objects.filter(review=review, member=user).first()
