"""Evaluate 4A writes: a team's own instrument, and adding an instrument to a
survey (its items become the survey's questions, made by the survey engine's
own service, so languages, easy read, the builder and results all apply)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from amhe.core import audit, files
from amhe.core import services as core_services
from amhe.core.models import Measure
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import building
from amhe.surveys.models import Question, Survey
from deliver.measures import services as measure_services
from evaluate.instruments import catalogue, scoring, sources, uploading
from evaluate.models import Instrument, InstrumentUpload, InstrumentUploadPeriod, SurveyInstrument


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
    survey that asked it and each period of uploaded scores (evaluate.instruments.sources),
    its values worked out now."""
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


SCORES_JOB = "evaluate.instrument_scores"
NEUTRAL_NAME = "your file"  # in messages: the uploader's file name is never stored


@transaction.atomic
def _store_scores(*, by, upload: InstrumentUpload, data: bytes) -> InstrumentUpload:
    """Read, check and score the file, and store each period's published figures (a
    period uploaded before is replaced); queue the values of the instrument's measure.
    UploadProblem if the file cannot be used: nothing is stored."""
    project = upload.project
    read = uploading.read(data, filename=NEUTRAL_NAME, definition=upload.definition, grouping=upload.grouping)
    rule = suppression_rule_for(project)
    for period in read.periods:
        figures = uploading.figures(
            project=project,
            key=upload.key,
            name=upload.name,
            definition=upload.definition,
            period=period,
            columns=read.equality_columns,
            rule=rule,
        )
        InstrumentUploadPeriod.objects.update_or_create(
            project=project,
            key=upload.key,
            period_start=period.start,
            period_end=period.end,
            defaults={"upload": upload, "figures": figures},
        )
    notes = []
    if read.removed:
        notes.append(f"Columns that identify people were removed and not stored: {', '.join(read.removed)}.")
    if read.ignored:
        notes.append(f"Columns not used (and not stored): {', '.join(read.ignored)}.")
    upload.rows = read.rows
    upload.scored = sum(1 for period in read.periods for s in period.scores if s.scored)
    upload.state, upload.problems, upload.notes = InstrumentUpload.State.READY, [], notes
    upload.save()
    for measure in Measure.objects.filter(project=project, definition=sources.definition(upload.key)):
        measure_services.measure_values_queue(by=by, measure=measure)
    return upload


def _new_upload(*, by, project, key: str, title: str, grouping: str, state: str) -> InstrumentUpload:
    definition, instrument = definition_of(project.organisation, key)
    if grouping not in InstrumentUpload.Grouping.values:
        raise ValidationError("Choose how to put the scores together: by month, quarter or year")
    upload = InstrumentUpload(
        project=project,
        key=key,
        instrument=instrument,
        name=definition["name"],
        title=(title or "").strip()[:120] or f"{definition['name']} scores",
        definition=definition,
        grouping=grouping,
        state=state,
        created_by=by,
    )
    upload.full_clean(exclude=["created_by", "project", "instrument"])
    upload.save()
    audit.record(
        action=audit.UPLOAD,
        user=by,
        project=project,
        object_kind="instrumentupload",
        object_id=upload.pk,
        detail=f"{key} scores",
    )
    return upload


@transaction.atomic
def scores_upload(*, by, project, key: str, title: str, grouping: str, data: bytes) -> InstrumentUpload:
    """Uploaded scores of an instrument worked out now, in this transaction (the
    job's work without the job: tests and the demo). UploadProblem: nothing stored."""
    upload = _new_upload(by=by, project=project, key=key, title=title, grouping=grouping, state="ready")
    return _store_scores(by=by, upload=upload, data=data)


@transaction.atomic
def scores_upload_queue(*, by, project, key: str, title: str, grouping: str, data: bytes) -> InstrumentUpload:
    """Keep the file under a random name until the job has read it, record the upload
    as being worked out, and queue the job (evaluate/jobs.py) on commit."""
    upload = _new_upload(
        by=by, project=project, key=key, title=title, grouping=grouping, state=InstrumentUpload.State.PROCESSING
    )
    name = files.save_bytes(data, f"evaluate/scores/{uuid.uuid4().hex}.upload")  # amhe.core.files: any storage
    upload.file_path = name
    upload.save(update_fields=["file_path"])
    core_services.job_enqueue(by=by, project=project, kind=SCORES_JOB, params={"upload_id": upload.pk})
    return upload


def scores_upload_process(*, upload_id: int) -> dict:
    """The job: work out an upload's figures once. Idempotent: an upload already
    worked out (or gone) is left alone; the file is deleted when done either way."""
    upload = InstrumentUpload.objects.filter(pk=upload_id).select_related("project__organisation").first()
    if upload is None or upload.state != InstrumentUpload.State.PROCESSING:
        return {"already": "done or deleted"}
    name = upload.file_path.name
    if not files.exists(name):
        InstrumentUpload.objects.filter(pk=upload.pk).update(
            state=InstrumentUpload.State.FAILED, problems=["The file was lost before it was read: upload it again."]
        )
        return {"problems": 1}
    try:
        with upload.file_path.storage.open(name, "rb") as handle:
            data = handle.read()  # the form refused anything over uploading.MAX_BYTES
        _store_scores(by=upload.created_by, upload=upload, data=data)
    except uploading.UploadProblem as exc:
        InstrumentUpload.objects.filter(pk=upload.pk).update(
            state=InstrumentUpload.State.FAILED, problems=exc.messages, file_path=""
        )
        files.delete([name])
        return {"problems": len(exc.messages)}
    InstrumentUpload.objects.filter(pk=upload.pk).update(file_path="")
    files.delete([name])
    return {"periods": upload.periods.count(), "scores": upload.scored}
