"""Deliver 3A writes: the strategy, its interventions and the panel's comments.
Keyword-only, `by=` the user, atomic; the project of every linked record (a
priority, a diagram box, a goal, a population, an owner) is checked here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from amhe.core import access, approvals, audit, history
from amhe.core.access import Action
from amhe.core.models import Membership, Project
from deliver.models import Intervention, Strategy, StrategyComment
from deliver.strategy import interventions as kinds
from research.evidence import importing
from research.evidence.services import check_characteristics, set_populations
from research.models import Priority

STRATEGY_FIELDS = ("title", "vision", "aims")
INTERVENTION_FIELDS = ("title", "kind", "description", "characteristics", "owner")


def _text(name: str, value, multiline_fields) -> object:
    if isinstance(value, str):
        return importing.clean_text(value, multiline=name in multiline_fields)
    return value


def _apply_strategy(strategy: Strategy, fields: dict) -> None:
    unknown = set(fields) - set(STRATEGY_FIELDS)
    if unknown:
        raise TypeError(f"Not strategy fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(strategy, name, _text(name, value, ("vision", "aims")))
    if not strategy.title:
        raise ValidationError({"title": "Enter the strategy's title."})
    strategy.full_clean(exclude=["project", "created_by"])


def _changing(strategy: Strategy | None) -> None:
    """Before a change to the strategy or its interventions: refused while the strategy
    waits for approval; an approved strategy becomes "changed since approval"."""
    approvals.note_change(subject=strategy, what="The strategy")


def _lock_strategy(project) -> Strategy | None:
    """Lock the project's row, then read its strategy: two people starting the strategy
    at once make one (the second adds to it), never two or an error."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return Strategy.objects.filter(project=project).first()


@history.records_by
@transaction.atomic
def strategy_save(*, by, project, **fields) -> Strategy:
    """The project's strategy, made if it has none yet, with `fields` (title, vision, aims)."""
    strategy = _lock_strategy(project)
    _changing(strategy)
    if strategy is None:
        strategy = Strategy(project=project, created_by=by)
    _apply_strategy(strategy, fields)
    strategy.save()
    return strategy


def _check_owner(project, owner) -> None:
    if owner is not None and not Membership.objects.filter(project=project, user=owner).exists():
        raise ValidationError({"owner": "Choose a member of this project as the owner."})


def _apply_intervention(intervention: Intervention, project, fields: dict) -> None:
    unknown = set(fields) - set(INTERVENTION_FIELDS)
    if unknown:
        raise TypeError(f"Not intervention fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(intervention, name, _text(name, value, ("description",)))
    if "characteristics" in fields:
        intervention.characteristics = check_characteristics(intervention.characteristics)
    if not intervention.title:
        raise ValidationError({"title": "Enter the intervention."})
    if intervention.kind and intervention.kind not in kinds.CODES:
        raise ValidationError({"kind": "Choose a kind of intervention from the list."})
    _check_owner(project, intervention.owner)
    intervention.full_clean(exclude=["strategy", "created_by", "owner", "kind"])


def _set_links(intervention: Intervention, project, *, priorities, nodes, goals) -> None:
    if priorities is not None:
        priorities = list(priorities)
        already = set(intervention.priorities.values_list("pk", flat=True)) if intervention.pk else set()
        for priority in priorities:
            if priority.project_id != project.pk:
                raise ValidationError({"priorities": "Choose priorities of this project."})
            if priority.state != Priority.State.AGREED and priority.pk not in already:
                raise ValidationError({"priorities": f"'{priority.title}' is not agreed yet: agree it in 2C first."})
        intervention.priorities.set(priorities)
    if nodes is not None:
        nodes = list(nodes)
        if any(node.diagram.project_id != project.pk for node in nodes):
            raise ValidationError({"nodes": "Choose boxes of this project's driver diagrams."})
        intervention.nodes.set(nodes)
    if goals is not None:
        goals = list(goals)
        if any(goal.project_id != project.pk for goal in goals):
            raise ValidationError({"goals": "Choose this project's SMART goals."})
        intervention.goals.set(goals)


def _save(intervention: Intervention, project, *, priorities, nodes, goals, populations) -> None:
    """Save the intervention and its links, as one record of its history."""

    def set_links():
        _set_links(intervention, project, priorities=priorities, nodes=nodes, goals=goals)
        set_populations(intervention, project, populations)

    history.save_with_links(intervention, set_links)


@history.records_by
@transaction.atomic
def intervention_create(
    *, by, strategy: Strategy, priorities=None, nodes=None, goals=None, populations=None, **fields
) -> Intervention:
    project = strategy.project
    _changing(strategy)
    intervention = Intervention(strategy=strategy, created_by=by)
    _apply_intervention(intervention, project, fields)
    _save(intervention, project, priorities=priorities, nodes=nodes, goals=goals, populations=populations)
    return intervention


@history.records_by
@transaction.atomic
def intervention_update(
    *, by, intervention: Intervention, priorities=None, nodes=None, goals=None, populations=None, **fields
) -> Intervention:
    project = intervention.strategy.project
    _changing(intervention.strategy)
    _apply_intervention(intervention, project, fields)
    _save(intervention, project, priorities=priorities, nodes=nodes, goals=goals, populations=populations)
    return intervention


@history.records_by
@transaction.atomic
def intervention_delete(*, by, intervention: Intervention) -> None:
    _changing(intervention.strategy)
    audit.record_deletion(by=by, instance=intervention)
    intervention.delete()


@history.records_by
@transaction.atomic
def strategy_start_from_priorities(*, by, project, priorities, **strategy_fields) -> tuple[Strategy, list]:
    """Start (or add to) the strategy from agreed priorities: one intervention each,
    filled in from the priority (its title, description, characteristics and
    populations, linked back to it) for the lead to complete. `strategy_fields`
    (title, vision, aims) make the strategy if the project has none yet."""
    priorities = list(priorities)
    if not priorities:
        raise ValidationError({"priorities": "Select at least one agreed priority."})
    strategy = _lock_strategy(project)
    _changing(strategy)
    if strategy is None:
        strategy = Strategy(project=project, created_by=by)
        _apply_strategy(strategy, strategy_fields)
        strategy.save()
    used = set(
        Intervention.priorities.through.objects.filter(intervention__strategy=strategy).values_list(
            "priority_id", flat=True
        )
    )
    made = []
    for priority in priorities:
        if priority.project_id != project.pk or priority.state != Priority.State.AGREED:
            raise ValidationError({"priorities": f"'{priority.title}' is not an agreed priority of this project."})
        if priority.pk in used:
            raise ValidationError({"priorities": f"'{priority.title}' already has an intervention in the strategy."})
        made.append(
            intervention_create(
                by=by,
                strategy=strategy,
                title=priority.title,
                kind="",
                description=priority.description,
                characteristics=priority.characteristics,
                priorities=[priority],
                populations=list(priority.populations.all()),
            )
        )
    return strategy, made


@history.records_by
@transaction.atomic
def strategy_comment_give(*, by, strategy: Strategy, comment: str) -> StrategyComment:
    """The panel member `by`'s comment on the strategy: one each, replaced when they comment again."""
    membership = access.membership_for(by, strategy.project)
    if membership is None or not access.role_can(membership.role, Action.COMMENT_STRATEGY):
        raise PermissionDenied("Only panel members of the project comment on its strategy.")
    text = importing.clean_text(comment, multiline=True)
    if not text:
        raise ValidationError({"comment": "Enter your comment."})
    if len(text) > 2000:
        raise ValidationError({"comment": "Comment must be 2,000 characters or fewer."})
    own, _created = StrategyComment.objects.update_or_create(strategy=strategy, member=by, defaults={"comment": text})
    return own


@history.records_by
@transaction.atomic
def strategy_comment_withdraw(*, by, strategy: Strategy) -> None:
    StrategyComment.objects.filter(strategy=strategy, member=by).delete()
