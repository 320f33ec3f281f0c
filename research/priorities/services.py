"""Research 2C writes: priorities and the panel's views on them. Keyword-only,
`by=` the user, atomic; the project of every linked record is checked here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from amhe.core import access, audit
from amhe.core.access import Action
from research.evidence import importing
from research.evidence.services import check_characteristics, set_populations
from research.models import CaseStudy, Priority, PriorityView

PRIORITY_FIELDS = (
    "title",
    "description",
    "source",
    "source_text",
    "impact",
    "effort",
    "horizon",
    "small_change",
    "characteristics",
)


def _apply(priority: Priority, fields: dict) -> None:
    unknown = set(fields) - set(PRIORITY_FIELDS)
    if unknown:
        raise TypeError(f"Not priority fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = importing.clean_text(value, multiline=name == "description")
        setattr(priority, name, value)
    if "characteristics" in fields:
        priority.characteristics = check_characteristics(priority.characteristics)
    if not priority.title:
        raise ValidationError({"title": "Enter the priority."})
    priority.full_clean(exclude=["project", "created_by", "populations", "references"])


def _set_references(priority: Priority, references) -> None:
    if references is None:
        return
    references = list(references)
    if any(reference.project_id != priority.project_id for reference in references):
        raise ValidationError({"references": "Choose references from this project's evidence base."})
    priority.references.set(references)


_NOT_GIVEN = object()


def _readable_case_study(priority, case_study) -> bool:
    return case_study.project_id == priority.project_id or case_study.sharing == CaseStudy.Sharing.SHARED


# Each record a priority may come from: the source it goes with, who may link it, and
# what to say otherwise.
_ORIGINS = {
    "case_study": (
        Priority.Source.CASE_STUDY,
        _readable_case_study,
        "Choose one of this project's case studies or a shared one.",
        "You chose a case study: select 'A case study of positive practice' above, or leave the case study empty.",
    ),
    "theme": (
        Priority.Source.THEME,
        lambda priority, theme: theme.project_id == priority.project_id,
        "Choose one of this project's themes.",
        "You chose a theme: select 'A theme from focus groups or surveys' above, or leave the theme empty.",
    ),
    "ngt_idea": (
        Priority.Source.NGT_IDEA,
        lambda priority, idea: idea.session.project_id == priority.project_id and idea.merged_into_id is None,
        "Choose an idea from this project's NGT sessions (not one merged into another).",
        "You chose an NGT idea: select 'An idea from a nominal group technique session' above, "
        "or leave the idea empty.",
    ),
}


def _set_origin(priority: Priority, links: dict) -> None:
    """Link the case study, theme or NGT idea the priority came from (`links` holds those
    given), checking it is one the project may read and that it agrees with where the
    priority says it came from. A link that no longer fits the source is dropped."""
    for name, (source, readable, unreadable, disagrees) in _ORIGINS.items():
        if name in links:
            record = links[name]
            if record is not None:
                if not readable(priority, record):
                    raise ValidationError({name: unreadable})
                if priority.source != source:
                    raise ValidationError({name: disagrees})
            setattr(priority, name, record)
        if priority.source != source:
            setattr(priority, name, None)


def _comparable(priority: Priority) -> tuple:
    return (*(getattr(priority, name) for name in PRIORITY_FIELDS), *(getattr(priority, f"{n}_id") for n in _ORIGINS))


@transaction.atomic
def priority_create(
    *, by, project, references=None, populations=None, case_study=None, theme=None, ngt_idea=None, **fields
) -> Priority:
    """A proposed priority, perhaps from a case study, a theme or an NGT idea."""
    priority = Priority(project=project, created_by=by, state=Priority.State.PROPOSED)
    _apply(priority, fields)
    _set_origin(priority, {"case_study": case_study, "theme": theme, "ngt_idea": ngt_idea})
    priority.save()
    _set_references(priority, references)
    set_populations(priority, project, populations)
    return priority


@transaction.atomic
def priority_update(
    *,
    by,
    priority: Priority,
    references=None,
    populations=None,
    keep_agreed=False,
    case_study=_NOT_GIVEN,
    theme=_NOT_GIVEN,
    ngt_idea=_NOT_GIVEN,
    **fields,
):
    """Change a priority. An agreed priority whose wording, placing or origin changes goes
    back to proposed for the lead to agree again, unless `keep_agreed` (the lead's own change)."""
    before = _comparable(priority)
    _apply(priority, fields)
    given = {"case_study": case_study, "theme": theme, "ngt_idea": ngt_idea}
    _set_origin(priority, {name: record for name, record in given.items() if record is not _NOT_GIVEN})
    if priority.state == Priority.State.AGREED and not keep_agreed and _comparable(priority) != before:
        priority.state = Priority.State.PROPOSED
    priority.save()
    _set_references(priority, references)
    set_populations(priority, priority.project, populations)
    return priority


@transaction.atomic
def priority_set_state(*, by, priority: Priority, state: str) -> Priority:
    if state not in Priority.State.values:
        raise ValidationError({"state": "Choose proposed or agreed."})
    priority.state = state
    priority.save(update_fields=["state", "updated_at"])
    return priority


@transaction.atomic
def priority_delete(*, by, priority: Priority) -> None:
    audit.record_deletion(by=by, instance=priority)
    priority.delete()


@transaction.atomic
def priority_view_give(*, by, priority: Priority, vote: str, comment: str = "") -> PriorityView:
    """The panel member `by`'s view on `priority`: one each, replaced when they give it again."""
    membership = access.membership_for(by, priority.project)
    if membership is None or not access.role_can(membership.role, Action.GIVE_VIEWS):
        raise PermissionDenied("Only panel members of the project give views on its priorities.")
    if vote not in PriorityView.Vote.values:
        raise ValidationError({"vote": "Select whether you support this priority."})
    view, _created = PriorityView.objects.update_or_create(
        priority=priority,
        member=by,
        defaults={"vote": vote, "comment": importing.clean_text(comment, multiline=True)[:2000]},
    )
    return view


@transaction.atomic
def priority_view_withdraw(*, by, priority: Priority) -> None:
    PriorityView.objects.filter(priority=priority, member=by).delete()
