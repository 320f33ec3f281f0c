"""Reads for positive practice (2A): the access helpers, the project's list with
search and filters, and the shared list every organisation reads.

Access helpers take the user and the ids from the URL and return
(project, membership, record): 404 if the user is not on the project or the
record is not the project's, 403 if their role does not allow `action`.

The shared helpers are the app's only cross-organisation read: they find a
case study only while it is shared (approved by a reviewer of its
organisation), for any signed-in user, and return the case study alone, never
its project.

Search: on PostgreSQL, full-text search with ranking (websearch syntax, English
stemming, the title weighted above the text); elsewhere (SQLite) every word must
appear in some field, ranked by how many fields match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from amhe.core.models import Population
from research.models import CaseStudy, CaseStudyAttachment

# (field, PostgreSQL weight): what a search looks in.
SEARCH_FIELDS = (
    ("title", "A"),
    ("action", "B"),
    ("impact", "B"),
    ("delivery", "C"),
    ("impact_figures", "C"),
    ("area", "C"),
)
SEARCH_CONFIG = "english"
MAX_WORDS = 12
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    characteristic: str = ""
    population: int | None = None
    intervention_type: str = ""
    setting: str = ""

    def __bool__(self) -> bool:
        return any((self.q, self.characteristic, self.population, self.intervention_type, self.setting))


# --- Access helpers -------------------------------------------------------------------


def _with_details(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return queryset.select_related("organisation").prefetch_related("characteristic_rows", "populations")


def case_study_for(user, project_id, case_study_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    case_study = get_object_or_404(_with_details(CaseStudy.objects.filter(project=project)), pk=case_study_id)
    return project, membership, case_study


def attachment_for(user, project_id, case_study_id, attachment_id, action: Action = Action.VIEW):
    """An attachment of one of the project's case studies: (project, membership, attachment)."""
    project, membership, case_study = case_study_for(user, project_id, case_study_id, action)
    attachment = get_object_or_404(CaseStudyAttachment, pk=attachment_id, case_study=case_study)
    attachment.case_study = case_study
    return project, membership, attachment


def shared_case_study_for(user, case_study_id) -> CaseStudy:
    """A shared case study, for any signed-in user of any organisation; 404 if it is not shared."""
    if not user.is_authenticated:
        raise Http404("No such case study")
    return get_object_or_404(_with_details(shared_case_studies_all()), pk=case_study_id)


def shared_attachment_for(user, case_study_id, attachment_id) -> CaseStudyAttachment:
    case_study = shared_case_study_for(user, case_study_id)
    attachment = get_object_or_404(CaseStudyAttachment, pk=attachment_id, case_study=case_study)
    attachment.case_study = case_study
    return attachment


# --- Search ----------------------------------------------------------------------------


def search_words(q: str) -> list[str]:
    """The words of a search (SQLite fallback): letters and digits only, so quotes,
    percent signs and markup are never part of a pattern."""
    return [word[:50] for word in _WORD.findall(q or "")][:MAX_WORDS]


def _postgres_search(queryset: QuerySet[CaseStudy], q: str) -> QuerySet[CaseStudy]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = None
    for field, weight in SEARCH_FIELDS:
        part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    query = SearchQuery(q[:500], search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "title", "pk")
    )


def _fallback_search(queryset: QuerySet[CaseStudy], q: str) -> QuerySet[CaseStudy]:
    words = search_words(q)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(_any_field_has(word))
    fields_matching = sum(
        (
            Case(
                When(_field_has_any(field, words), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for field, _weight in SEARCH_FIELDS
        ),
        Value(0),
    )
    return queryset.annotate(rank=fields_matching).order_by("-rank", "title", "pk")


def _any_field_has(word: str) -> Q:
    condition = Q()
    for field, _weight in SEARCH_FIELDS:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def _field_has_any(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


def search(queryset: QuerySet[CaseStudy], q: str, *, full_text: bool | None = None) -> QuerySet[CaseStudy]:
    """`queryset` narrowed to case studies matching `q`, best first (annotated `rank`).
    PostgreSQL's full-text search where the database is PostgreSQL (unless
    `full_text=False`), else the word-matching fallback."""
    q = (q or "").replace("\x00", "").strip()
    if not q:
        return queryset
    if full_text is None:
        full_text = connection.vendor == "postgresql"
    if full_text:
        return _postgres_search(queryset, q)
    return _fallback_search(queryset, q)


def filtered(queryset: QuerySet[CaseStudy], filters: Filters) -> QuerySet[CaseStudy]:
    if filters.characteristic:
        queryset = queryset.filter(characteristic_rows__characteristic=filters.characteristic)
    if filters.population:
        queryset = queryset.filter(populations__pk=filters.population)
    if filters.intervention_type:
        queryset = queryset.filter(intervention_type=filters.intervention_type)
    if filters.setting:
        queryset = queryset.filter(setting=filters.setting)
    return search(queryset, filters.q)


# --- Lists -----------------------------------------------------------------------------


def case_studies(project, filters: Filters = Filters()) -> QuerySet[CaseStudy]:
    """The project's case studies matching `filters`: best match first when searching, else by title."""
    return _with_details(filtered(CaseStudy.objects.filter(project=project), filters))


def case_study_count(project) -> int:
    return CaseStudy.objects.filter(project=project).count()


def shared_case_studies_all() -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(sharing=CaseStudy.Sharing.SHARED)


def shared_case_studies(filters: Filters = Filters()) -> QuerySet[CaseStudy]:
    """Shared case studies of every organisation matching `filters` (population is
    an organisation's own, so it is not a filter here)."""
    return _with_details(filtered(shared_case_studies_all(), replace(filters, population=None)))


def shared_count() -> int:
    return shared_case_studies_all().count()


def waiting_for_review(project) -> QuerySet[CaseStudy]:
    return CaseStudy.objects.filter(project=project, sharing=CaseStudy.Sharing.SUBMITTED).order_by("submitted_at")


def sharing_counts(project) -> dict[str, int]:
    rows = CaseStudy.objects.filter(project=project).values("sharing").annotate(n=Count("pk"))
    return {row["sharing"]: row["n"] for row in rows}


def attachments(case_study) -> list[CaseStudyAttachment]:
    return list(case_study.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"))


def organisation_populations(organisation) -> QuerySet[Population]:
    return Population.objects.filter(organisation=organisation).order_by("name")
