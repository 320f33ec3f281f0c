"""Evaluate 4A reads for PREMs and PROMs: the access helpers for an instrument
and for its use in a survey, and what the pages list."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Measure
from amhe.surveys.models import Survey
from evaluate.instruments import catalogue, services, sources
from evaluate.models import Instrument, InstrumentUpload, InstrumentUploadPeriod, SurveyInstrument


def instrument_for(user, project_id, key: str, action: Action = Action.VIEW):
    """(project, membership, definition, Instrument or None): a shipped instrument or one
    of the project's organisation's own; 404 for any other or outside the project."""
    project, membership = access.get_project_for_user(user, project_id, action)
    try:
        definition, instrument = services.definition_of(project.organisation, key)
    except ValidationError as exc:  # no such instrument here
        raise Http404("No such instrument") from exc
    return project, membership, definition, instrument


def use_for(user, project_id, use_id, action: Action = Action.VIEW):
    """(project, membership, use): an instrument asked in one of the project's surveys."""
    project, membership = access.get_project_for_user(user, project_id, action)
    use = get_object_or_404(SurveyInstrument.objects.select_related("survey"), pk=use_id, survey__project=project)
    return project, membership, use


def own_instruments(organisation) -> list[Instrument]:
    return list(Instrument.objects.filter(organisation=organisation).order_by("name", "pk"))


def all_definitions(organisation) -> list[dict]:
    """The shipped instruments, then the organisation's own, as definitions with their key."""
    own = [{**i.definition, "key": i.key, "name": i.name, "kind": i.kind} for i in own_instruments(organisation)]
    return [*catalogue.BUILT_IN.values(), *own]


def uses(project) -> list[SurveyInstrument]:
    """The instruments asked in the project's surveys, newest survey first."""
    return list(
        SurveyInstrument.objects.filter(survey__project=project)
        .select_related("survey")
        .order_by("-survey__created_at", "created_at", "pk")
    )


def draft_surveys(project) -> list[Survey]:
    """The project's draft surveys an instrument can be added to."""
    return list(Survey.objects.filter(project=project, state=Survey.State.DRAFT).order_by("-created_at"))


def uses_of_key(project, key: str) -> list[SurveyInstrument]:
    return [use for use in uses(project) if use.key == key]


def measure_of(project, key: str) -> Measure | None:
    """The project's measure of the instrument's scores, if there is one."""
    return Measure.objects.filter(project=project, definition=sources.definition(key)).first()


def upload_for(user, project_id, upload_id, action: Action = Action.VIEW):
    """(project, membership, upload): uploaded scores of an instrument in the project."""
    project, membership = access.get_project_for_user(user, project_id, action)
    upload = get_object_or_404(InstrumentUpload, pk=upload_id, project=project)
    return project, membership, upload


def uploads_of_key(project, key: str) -> list[InstrumentUpload]:
    return list(InstrumentUpload.objects.filter(project=project, key=key).prefetch_related("periods"))


def current_periods(upload: InstrumentUpload) -> list[InstrumentUploadPeriod]:
    """The periods whose figures still come from this upload (a later one may have replaced some)."""
    return list(upload.periods.order_by("period_start", "pk"))
