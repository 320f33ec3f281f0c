"""Evaluate 4A writes: a team's own instrument, and adding an instrument to a
survey (its items become the survey's questions, made by the survey engine's
own service, so languages, easy read, the builder and results all apply)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit
from amhe.core.models import Measure
from amhe.surveys import building
from amhe.surveys.models import Question, Survey
from deliver.measures import services as measure_services
from evaluate.instruments import catalogue, scoring, sources
from evaluate.models import Instrument, SurveyInstrument


def _lock(survey: Survey) -> None:
    list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))
    survey.refresh_from_db()


def definition_of(organisation, key: str) -> tuple[dict, Instrument | None]:
    """The definition of a shipped instrument ("phq-9") or one of the organisation's
    own ("c12"); ValidationError for any other key."""
    if key in catalogue.BUILT_IN:
        return dict(catalogue.BUILT_IN[key]), None
    if key.startswith("c") and key[1:].isdigit():
        instrument = Instrument.objects.filter(pk=int(key[1:]), organisation=organisation).first()
        if instrument is not None:
            return {**instrument.definition, "key": key, "name": instrument.name}, instrument
    raise ValidationError("There is no such instrument")


@transaction.atomic
def instrument_create(
    *,
    by,
    organisation,
    name: str,
    kind: str,
    summary: str = "",
    source: str,
    stem: str = "",
    items: list[str],
    options: list[dict],
    method: str,
    reverse: list[int] = (),
    max_missing: int = 0,
    bands: list[dict] = (),
    positive: list[int] = (),
    higher_is_better: bool = True,
) -> Instrument:
    """A team's own instrument. `reverse` and `positive` are 0-based item and answer
    numbers; every rule is checked (evaluate.instruments.scoring.problems) and
    nothing is saved while any fails."""
    name = (name or "").strip()
    definition = {
        "name": name,
        "kind": kind,
        "summary": (summary or "").strip(),
        "stem": (stem or "").strip(),
        "items": [str(item).strip() for item in items],
        "options": [{"label": str(o["label"]).strip(), "score": o.get("score")} for o in options],
        "method": method,
        "reverse": sorted(set(reverse or [])),
        "max_missing": max_missing,
        "bands": list(bands or []),
        "positive": sorted(set(positive or [])),
        "higher_is_better": bool(higher_is_better),
        "source": (source or "").strip(),
        "bands_source": "",
        "caution": "",
    }
    problems = scoring.problems(definition)
    if Instrument.objects.filter(organisation=organisation, name__iexact=name).exists() or (
        name.casefold() in {d["name"].casefold() for d in catalogue.BUILT_IN.values()}
    ):
        problems.append("An instrument with this name already exists: choose another name")
    if problems:
        raise ValidationError(problems)
    instrument = Instrument(
        organisation=organisation,
        name=name,
        kind=kind,
        summary=definition["summary"],
        source=definition["source"],
        definition=definition,
        created_by=by,
    )
    instrument.full_clean(exclude=["created_by"])
    instrument.save()
    return instrument


@transaction.atomic
def add_to_survey(*, by, survey: Survey, key: str) -> SurveyInstrument:
    """Add the instrument's items to a draft survey as questions (one answer from
    its list each, one a page, not required, the instrument's stem as the hint),
    and record which question is which item and which answer scores what."""
    _lock(survey)
    if survey.state != Survey.State.DRAFT:
        raise ValidationError("Instruments can only be added to a draft survey: its questions would change")
    definition, instrument = definition_of(survey.project.organisation, key)
    if SurveyInstrument.objects.filter(survey=survey, key=key).exists():
        raise ValidationError(f"{definition['name']} is already in this survey")
    labels = [option["label"] for option in definition["options"]]
    questions: list[int] = []
    scores: dict[str, dict[str, int]] = {}
    for item in definition["items"]:
        question = building.question_add(
            by=by,
            survey=survey,
            kind=Question.Kind.SINGLE,
            text=item,
            hint=definition.get("stem", ""),
            option_labels=labels,
        )
        questions.append(question.pk)
        by_label = {option["label"]: option["value"] for option in question.options}
        scores[str(question.pk)] = {by_label[label]: index for index, label in enumerate(labels)}
    use = SurveyInstrument(
        survey=survey,
        key=key,
        instrument=instrument,
        name=definition["name"],
        definition=definition,
        questions=questions,
        scores=scores,
        created_by=by,
    )
    use.full_clean(exclude=["created_by", "survey", "instrument"])
    use.save()
    return use


@transaction.atomic
def remove_from_survey(*, by, use: SurveyInstrument) -> None:
    """Take an instrument out of a survey with its questions, while no one has answered them."""
    survey = use.survey
    _lock(survey)
    own = Question.objects.filter(survey=survey, pk__in=use.questions)
    if any(question.answers.exists() for question in own):
        raise ValidationError("People have answered these questions, so the instrument cannot be taken out")
    for question in own:
        building.question_delete(by=by, question=question)
    audit.record_deletion(by=by, instance=use)
    use.delete()


@transaction.atomic
def measure_from_instrument(*, by, project, key: str) -> Measure:
    """A measure of the project whose values are the instrument's score in each closed
    survey that asked it (evaluate.instruments.sources), its values worked out now."""
    definition, _instrument = definition_of(project.organisation, key)
    wanted = sources.definition(definition["key"])
    existing = Measure.objects.filter(project=project, definition=wanted).first()
    if existing is not None:
        raise ValidationError(f"The project already measures {definition['name']}: '{existing.name}'")
    share = definition["method"] == scoring.SHARE
    name = f"{definition['name']}: {'percentage positive' if share else 'mean score'}"
    if Measure.objects.filter(project=project, name=name).exists():
        raise ValidationError(f"The project already has a measure called '{name}'")
    measure = Measure(
        project=project,
        name=name,
        description=f"One value for each closed survey of the project that asked the {definition['name']}.",
        unit=sources.unit_of(definition),
        direction=Measure.Direction.HIGHER if definition.get("higher_is_better") else Measure.Direction.LOWER,
        source=f"The project's surveys (PREMs and PROMs, 4A). {definition.get('source', '')}"[:300],
        definition=wanted,
    )
    measure.full_clean()
    measure.save()
    measure_services.measure_values_queue(by=by, measure=measure)
    return measure


def measures_refresh_for_survey(*, survey_id: str) -> int:
    """A survey's figures were stored: if it is closed, queue the values of the project's
    measures of the instruments it asked. Returns how many measures were queued."""
    survey = Survey.objects.filter(pk=survey_id, state=Survey.State.CLOSED).select_related("project").first()
    if survey is None:
        return 0
    keys = list(SurveyInstrument.objects.filter(survey=survey).values_list("key", flat=True))
    queued = 0
    for measure in Measure.objects.filter(project=survey.project, definition__source=sources.SOURCE):
        if measure.definition.get("instrument") in keys:
            measure_services.measure_values_queue(by=None, measure=measure)
            queued += 1
    return queued
