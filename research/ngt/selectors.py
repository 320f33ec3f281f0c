"""Research 2B nominal group technique: every read.

Access helpers take the user and the ids from the URL and return
(project, membership, record): 404 if the user is not on the project or the
record is not the project's, 403 if their role does not allow `action`.
Public pages find a session or a participant by their link's token only.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action
from research.evidence import overlap
from research.evidence import selectors as evidence_selectors
from research.models import NgtIdea, NgtParticipant, NgtRanking, NgtSession
from research.ngt import scoring

GROUPS = list(NgtParticipant.Group.values)

# --- Access helpers ---------------------------------------------------------------------


def session_for(user, project_id, session_id, action: Action = Action.VIEW):
    project, membership = access.get_project_for_user(user, project_id, action)
    session = get_object_or_404(NgtSession, pk=session_id, project=project)
    return project, membership, session


def idea_for(user, project_id, session_id, idea_id, action: Action = Action.PLAN):
    """An idea of one of the project's sessions (the session in the URL must be its own)."""
    project, membership = access.get_project_for_user(user, project_id, action)
    idea = get_object_or_404(
        NgtIdea.objects.select_related("session", "merged_into"),
        pk=idea_id,
        session_id=session_id,
        session__project=project,
    )
    return project, membership, idea


# --- Public links -----------------------------------------------------------------------


def session_for_join_token(token: str) -> NgtSession | None:
    return NgtSession.objects.select_related("project__organisation").filter(join_token=token).first()


def participant_for_token(token: str) -> NgtParticipant | None:
    if not token:
        return None
    return (
        NgtParticipant.objects.select_related("session__project__organisation")
        .filter(token=token, on_paper=False)
        .first()
    )


# --- Lists ------------------------------------------------------------------------------


def sessions(project) -> list[NgtSession]:
    """The project's sessions, newest first, each with `idea_count` and `participant_count`."""
    return list(
        NgtSession.objects.filter(project=project)
        .annotate(
            idea_count=Count("ideas", filter=Q(ideas__merged_into__isnull=True), distinct=True),
            participant_count=Count("participants", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def ideas(session) -> list[NgtIdea]:
    """Every idea of the session by number, merged ones included (with `merged_into`)."""
    return list(
        NgtIdea.objects.filter(session=session)
        .select_related("merged_into")
        .prefetch_related(Prefetch("merged_ideas", queryset=NgtIdea.objects.order_by("number")))
        .order_by("number")
    )


def live_ideas(session) -> list[NgtIdea]:
    """The ideas still to rank (not merged into another), by number."""
    return list(NgtIdea.objects.filter(session=session, merged_into__isnull=True).order_by("number"))


def merge_choices(idea):
    """The ideas `idea` may be merged into: the session's others still to rank."""
    return (
        NgtIdea.objects.filter(session_id=idea.session_id, merged_into__isnull=True)
        .exclude(pk=idea.pk)
        .order_by("number")
    )


def own_ideas(participant) -> list[NgtIdea]:
    return list(NgtIdea.objects.filter(participant=participant).order_by("number"))


def idea_at(session, position: int) -> NgtIdea | None:
    """The idea at `position` (1 = first) in the round-robin listing."""
    return NgtIdea.objects.filter(session=session).order_by("number")[position - 1 : position].first()


def joined_by_group(session) -> dict[str, int]:
    counts = Counter(NgtParticipant.objects.filter(session=session, on_paper=False).values_list("group", flat=True))
    return {group: counts.get(group, 0) for group in GROUPS}


def counts(session) -> dict[str, int]:
    participants = NgtParticipant.objects.filter(session=session)
    return {
        "joined": participants.filter(on_paper=False).count(),
        "ranked": participants.filter(ranked_at__isnull=False).count(),
        "paper": participants.filter(on_paper=True).count(),
        "ideas": NgtIdea.objects.filter(session=session).count(),
        "live_ideas": NgtIdea.objects.filter(session=session, merged_into__isnull=True).count(),
    }


def own_ranking(participant) -> list[NgtIdea]:
    return [
        r.idea for r in NgtRanking.objects.filter(participant=participant).select_related("idea").order_by("position")
    ]


def ballots(session) -> list[scoring.Ballot]:
    """Every stored ranking of the session as a scoring ballot (idea ids, first choice first)."""
    by_participant: dict[int, list] = {}
    groups: dict[int, str] = {}
    rows = NgtRanking.objects.filter(participant__session=session).order_by("participant_id", "position")
    for participant_id, group, idea_id in rows.values_list("participant_id", "participant__group", "idea_id"):
        by_participant.setdefault(participant_id, []).append(idea_id)
        groups[participant_id] = group
    return [scoring.Ballot(groups[pid], tuple(choices)) for pid, choices in by_participant.items()]


def merges(session) -> dict[int, int]:
    return dict(NgtIdea.objects.filter(session=session, merged_into__isnull=False).values_list("pk", "merged_into_id"))


def idea_overlaps(idea):
    """Existing initiatives (2A) the idea overlaps, for the session's characteristics."""
    session = idea.session
    return evidence_selectors.overlapping_initiatives(
        session.project, text=idea.text, characteristics=session.characteristics, population_ids=[]
    )


def overlaps_by_idea(session, ideas) -> dict[int, list]:
    """{idea id: the existing initiatives (2A) it overlaps} for the ideas still to rank,
    for the session's characteristics (none without them: overlap needs the same people)."""
    if not session.characteristics:
        return {}
    candidates = evidence_selectors.initiative_candidates(session.project)
    if not candidates:
        return {}
    found = {}
    for idea in ideas:
        if idea.merged_into_id is None:
            hits = overlap.find_overlaps(idea.text, characteristics=session.characteristics, candidates=candidates)
            if hits:
                found[idea.pk] = hits
    return found


def idea_choices_for_nodes(project):
    """Ideas of the project's sessions that a diagram box may name (not merged away)."""
    return (
        NgtIdea.objects.filter(session__project=project, merged_into__isnull=True)
        .select_related("session")
        .order_by("-session__created_at", "number")
    )
