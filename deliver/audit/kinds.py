"""Deliver's kinds of record with an audit history, how each is named in it, and
which of their records belong to a project (deleted ones too: a record is the
project's if its parent is, or ever was, the project's).

To add a kind (a new model with `history = HistoricalRecords()`): add a `Kind` in
`kinds_for`, its project scope in `scopes`, and put it under a filter in FILTERS."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from amhe.core import history, taxonomy
from amhe.core.history import Kind
from amhe.core.models import SmartGoal
from deliver.models import (
    ActionUpdate,
    Decision,
    DeliveryAction,
    EiaImpact,
    EiaVersion,
    EqualityImpactAssessment,
    Intervention,
    Milestone,
    Risk,
    Strategy,
)

# The filters of the project's change history: (key, label, kinds of record).
FILTERS = [
    ("goals", "SMART goals", ("goal",)),
    ("strategy", "The strategy", ("strategy",)),
    ("interventions", "Interventions", ("intervention",)),
    ("eias", "Equality impact assessments", ("eia", "eia-version", "eia-impact")),
    ("milestones", "Milestones", ("milestone",)),
    ("actions", "Actions and their updates", ("action", "action-update")),
    ("risks", "Risks", ("risk",)),
    ("decisions", "Decisions", ("decision",)),
]


def _characteristic(key) -> str:
    found = taxonomy.CHARACTERISTICS.get(key)
    return found.label if found else str(key)


def _characteristics(keys) -> str:
    return history.join_words(_characteristic(key) for key in keys or [])


def _quoted(text) -> str:
    return history.say(str(text))


class _Parents:
    """Parent records (live, else as last recorded), each read once per page."""

    def __init__(self):
        self.found = {}

    def __call__(self, model, pk):
        if pk is None:
            return None
        if (model, pk) not in self.found:
            found = model._default_manager.filter(pk=pk).first()
            if found is None:
                record = model.history.filter(id=pk).order_by("-history_date", "-history_id").first()
                found = record.instance if record else None
            self.found[(model, pk)] = found
        return self.found[(model, pk)]

    def eia_name(self, eia) -> str:
        subject = self(Strategy, eia.strategy_id) or self(Intervention, eia.intervention_id)
        return f"the equality impact assessment of {_quoted(subject)}" if subject else "an equality impact assessment"

    def version_name(self, version) -> str:
        eia = self(EqualityImpactAssessment, version.eia_id)
        return f"version {version.number} of {self.eia_name(eia) if eia else 'an equality impact assessment'}"

    def impact_name(self, impact) -> str:
        version = self(EiaVersion, impact.version_id)
        where = f" in {self.version_name(version)}" if version else ""
        return f"the impact on {_characteristic(impact.characteristic)}{where}"

    def update_name(self, update) -> str:
        action = self(DeliveryAction, update.action_id)
        on = f" on the action {_quoted(action)}" if action else ""
        return f"the update of {history.say_date(update.date)}{on}"


def kinds_for(project) -> list[Kind]:
    def url(name, **kwargs):
        return reverse(name, kwargs={"project_id": project.pk, **kwargs})

    parents = _Parents()

    def eia_url_of_version(version_id):
        version = parents(EiaVersion, version_id)
        return url("deliver:eia", eia_id=version.eia_id) if version else None

    return [
        Kind(
            "goal",
            SmartGoal,
            name=lambda goal: f"the SMART goal {_quoted(history.short(goal.statement))}",
            url=lambda goal: url("core:goal-history", goal_id=goal.id),
            hidden=frozenset({"project"}),
        ),
        Kind(
            "strategy",
            Strategy,
            name=lambda strategy: f"the strategy {_quoted(strategy)}",
            url=lambda strategy: url("deliver:strategy"),
            hidden=frozenset({"project", "created_by"}),
        ),
        Kind(
            "intervention",
            Intervention,
            url=lambda item: url("deliver:intervention", intervention_id=item.id),
            hidden=frozenset({"strategy", "created_by"}),
            formats={"characteristics": _characteristics},
            labels={
                "populations": "focus populations",
                "priorities": "agreed priorities it comes from",
                "nodes": "driver diagram boxes it serves",
                "goals": "SMART goals it works towards",
            },
        ),
        Kind(
            "eia",
            EqualityImpactAssessment,
            name=parents.eia_name,
            url=lambda eia: url("deliver:eia", eia_id=eia.id),
            hidden=frozenset({"project", "created_by", "strategy", "intervention"}),
        ),
        Kind(
            "eia-version",
            EiaVersion,
            name=parents.version_name,
            url=lambda version: url("deliver:eia", eia_id=version.eia_id),
            hidden=frozenset({"eia", "number", "created_by"}),
            labels={
                "summary": "summary of what is assessed",
                "submitted_by": "person who submitted it",
                "submitted_at": "time it was submitted",
                "decided_by": "governance lead who decided",
                "decided_at": "time of the decision",
                "decision_comment": "governance lead's comments",
            },
        ),
        Kind(
            "eia-impact",
            EiaImpact,
            name=parents.impact_name,
            url=lambda impact: eia_url_of_version(impact.version_id),
            hidden=frozenset({"version", "characteristic"}),
            labels={"extracts": "uploads it draws on", "surveys": "surveys it draws on"},
            # Each version's rows are made with it: its own entry says so.
            show_created=False,
        ),
        Kind(
            "milestone",
            Milestone,
            url=lambda milestone: url("deliver:milestone-history", milestone_id=milestone.id),
            hidden=frozenset({"strategy", "created_by"}),
        ),
        Kind(
            "action",
            DeliveryAction,
            name=lambda action: f"the action {_quoted(action)}",
            url=lambda action: url("deliver:action", action_id=action.id),
            hidden=frozenset({"created_by"}),
        ),
        Kind(
            "action-update",
            ActionUpdate,
            name=parents.update_name,
            url=lambda update: url("deliver:action", action_id=update.action_id),
            hidden=frozenset({"action"}),
            labels={"by": "person who gave it"},
        ),
        Kind(
            "risk",
            Risk,
            url=lambda risk: url("deliver:risk", risk_id=risk.id),
            hidden=frozenset({"project", "created_by"}),
            labels={"last_reviewed": "last review"},
        ),
        Kind(
            "decision",
            Decision,
            name=lambda decision: f"the decision {_quoted(history.short(decision.decision))}",
            url=lambda decision: url("deliver:decision-history", decision_id=decision.id),
            hidden=frozenset({"project", "created_by"}),
            labels={"decided_on": "date", "made_by": "group or meeting that made it"},
        ),
    ]


def _among(field: str, model, where: Q) -> Q:
    """`field` is the id of a `model` record matching `where`, now or in its history."""
    return Q(**{f"{field}__in": model.objects.filter(where).values("pk")}) | Q(
        **{f"{field}__in": model.history.filter(where).values("id")}
    )


def scopes(project) -> dict[str, Q]:
    """{kind key: the Q on its historical records that are the project's}."""
    own = Q(project_id=project.pk)
    of_strategy = _among("strategy_id", Strategy, own)
    of_intervention = _among("intervention_id", Intervention, of_strategy)
    of_eia = _among("eia_id", EqualityImpactAssessment, own)
    return {
        "goal": own,
        "strategy": own,
        "intervention": of_strategy,
        "eia": own,
        "eia-version": of_eia,
        "eia-impact": _among("version_id", EiaVersion, of_eia),
        "milestone": of_strategy,
        "action": of_intervention,
        "action-update": _among("action_id", DeliveryAction, of_intervention),
        "risk": own,
        "decision": own,
    }
