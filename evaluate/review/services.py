"""Evaluate 4C: record the review of a cycle with people with lived experience,
mark each SMART goal met, partly met or not met with its evidence, and start the
next cycle from it.

Starting the next cycle carries over (`next_cycle_start`): the goals not met or
partly met (as draft goals, to be agreed again), the review's learning, the focus
populations and the team (`amhe.core.services.project_next_cycle`), and every
measure with its values, so SPC charts go on across cycles. Saved column mappings
belong to the organisation and are offered again without copying."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amhe.core import services as core_services
from amhe.core.access import Action, role_can
from amhe.core.models import Measure, MeasureValue, Membership, Project, Role, SmartGoal, target_on_wrong_side
from evaluate.models import GoalReview, MeasureRebase, Review, ReviewView

REVIEW_TEXT_FIELDS = ("held_on", "participants", "what_works", "what_does_not", "gaps_and_needs", "recommendations")


def _panel_members(project: Project, members) -> list:
    ids = {m.pk for m in members}
    allowed = set(
        Membership.objects.filter(project=project, role=Role.PANEL, user_id__in=ids).values_list("user_id", flat=True)
    )
    if ids - allowed:
        raise ValidationError({"panel_members": "Choose panel members of this project only."})
    return [m for m in members if m.pk in allowed]


def _refuse_if_complete(review: Review) -> None:
    if review.state == Review.State.COMPLETE:
        raise ValidationError("This review is complete and can no longer be changed.")


@transaction.atomic
def review_save(*, by, project: Project, panel_members=(), **fields) -> Review:
    """Create the project's review, or change it while it is being written."""
    unknown = set(fields) - set(REVIEW_TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown review fields: {sorted(unknown)}")
    review = Review.objects.select_for_update().filter(project=project).first()
    if review is None:
        review = Review(project=project, created_by=by)
    else:
        _refuse_if_complete(review)
    for name, value in fields.items():
        setattr(review, name, value)
    if review.held_on and review.held_on > timezone.localdate():
        raise ValidationError({"held_on": "The review meeting's date must be today or in the past."})
    chosen = _panel_members(project, list(panel_members))
    review.full_clean()
    review.save()
    review.panel_members.set(chosen)
    return review


@transaction.atomic
def goal_review_save(*, by, review: Review, goal: SmartGoal, outcome: str, evidence: str) -> GoalReview:
    review = Review.objects.select_for_update().get(pk=review.pk)
    _refuse_if_complete(review)
    if goal.project_id != review.project_id:
        raise ValidationError("Choose a goal of this project.")
    if goal.status == SmartGoal.Status.WITHDRAWN:
        raise ValidationError("This goal was withdrawn, so there is nothing to review.")
    goal_review = GoalReview.objects.filter(review=review, goal=goal).first() or GoalReview(review=review, goal=goal)
    goal_review.outcome = outcome
    goal_review.evidence = evidence
    goal_review.full_clean()
    goal_review.save()
    return goal_review


def goals_to_review(project: Project):
    """The goals a review marks: every goal but withdrawn ones."""
    return SmartGoal.objects.filter(project=project).exclude(status=SmartGoal.Status.WITHDRAWN)


@transaction.atomic
def review_complete(*, by, review: Review) -> Review:
    """Mark the review complete: every goal marked, and something learnt written down."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _refuse_if_complete(review)
    problems = []
    marked = set(review.goal_reviews.values_list("goal_id", flat=True))
    unmarked = [g for g in goals_to_review(review.project) if g.pk not in marked]
    if unmarked:
        names = "; ".join(f"“{g.statement[:60]}”" for g in unmarked)
        problems.append(f"Mark every goal met, partly met or not met first: {names}")
    if not any(getattr(review, f).strip() for f in ("what_works", "what_does_not", "gaps_and_needs")):
        problems.append("Write down what works, what does not or the gaps and needs first")
    if not review.recommendations.strip():
        problems.append("Write the recommendations for commissioning first")
    if problems:
        raise ValidationError(problems)
    review.state = Review.State.COMPLETE
    review.completed_at = timezone.now()
    review.save(update_fields=["state", "completed_at", "updated_at"])
    return review


@transaction.atomic
def view_save(*, by, review: Review, view: str) -> ReviewView:
    """A panel member's own view of the review: one each, changed by saving again."""
    membership = Membership.objects.filter(project_id=review.project_id, user=by).first()
    if membership is None or not role_can(membership.role, Action.GIVE_VIEWS):
        raise ValidationError("Only panel members give their view of the review.")
    if not view.strip():
        raise ValidationError({"view": "Write your view, or take it off instead"})
    item = ReviewView.objects.filter(review=review, member=by).first() or ReviewView(review=review, member=by)
    item.view = view.strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def view_remove(*, by, review: Review) -> None:
    ReviewView.objects.filter(review=review, member=by).delete()


def _learning(review: Review) -> str:
    parts = [
        ("What works", review.what_works),
        ("What does not work", review.what_does_not),
        ("Gaps and needs", review.gaps_and_needs),
        ("Recommendations for commissioning", review.recommendations),
    ]
    return "\n\n".join(f"{title}: {text.strip()}" for title, text in parts if text.strip())


def _copy_measure(measure: Measure, project: Project) -> Measure:
    copy = Measure.objects.create(
        project=project,
        name=measure.name,
        description=measure.description,
        unit=measure.unit,
        direction=measure.direction,
        population=measure.population,
        source=measure.source,
        definition=measure.definition,
    )
    MeasureValue.objects.bulk_create(
        MeasureValue(
            measure=copy,
            period_start=v.period_start,
            period_end=v.period_end,
            value=v.value,
            lower=v.lower,
            upper=v.upper,
            numerator=v.numerator,
            denominator=v.denominator,
            suppressed=v.suppressed,
            note=(v.note or f"Carried over from cycle {measure.project.cycle_number}")[:300],
        )
        for v in measure.values.all()
    )
    MeasureRebase.objects.bulk_create(
        MeasureRebase(measure=copy, date=r.date, reason=r.reason, created_by=r.created_by)
        for r in MeasureRebase.objects.filter(measure=measure)
    )
    return copy


def _baseline(measure: Measure | None, goal: SmartGoal):
    """A carried goal's baseline: its measure's latest published value, else the old one."""
    if measure is not None:
        latest = measure.values.filter(suppressed=False, value__isnull=False).order_by("-period_end").first()
        if latest is not None:
            return latest.value, latest.period_end
    return goal.baseline_value, goal.baseline_date


@transaction.atomic
def next_cycle_start(*, by, review: Review) -> Project:
    """Start the next cycle from a complete review (see the module's docstring)."""
    review = Review.objects.select_for_update().select_related("project").get(pk=review.pk)
    if review.state != Review.State.COMPLETE:
        raise ValidationError("Complete the review before starting the next cycle.")
    previous = review.project
    project = core_services.project_next_cycle(by=by, previous=previous, carried_learning=_learning(review))
    measures = {m.pk: _copy_measure(m, project) for m in Measure.objects.filter(project=previous)}
    carried = review.goal_reviews.filter(outcome__in=GoalReview.NOT_MET_OUTCOMES).select_related("goal")
    for goal_review in carried:
        goal = goal_review.goal
        measure = measures.get(goal.measure_id)
        baseline_value, baseline_date = _baseline(measure, goal)
        target = goal.target_value
        if measure is not None and target_on_wrong_side(measure.direction, baseline_value, target):
            target = None  # the new baseline is past the old target: the team sets a new one
        carried_goal = SmartGoal(
            project=project,
            statement=goal.statement,
            population=goal.population,
            measure=measure,
            measure_description=goal.measure_description,
            baseline_value=baseline_value,
            baseline_date=baseline_date,
            target_value=target,
            target_date=None,
            owner=goal.owner if Membership.objects.filter(project=project, user=goal.owner).exists() else None,
            achievable=goal.achievable,
            realistic=goal.realistic,
            status=SmartGoal.Status.DRAFT,
        )
        core_services.smart_goal_save(by=by, goal=carried_goal)
    return project
