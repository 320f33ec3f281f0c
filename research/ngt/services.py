"""Research 2B nominal group technique: every write.

Facilitators' writes are keyword-only with `by=` the user, atomic. A
participant's writes (joining, an idea, their ranking) take the participant or
the session found from a public link and keep nothing about the person but
their group and language.

Each participant ranks once: `ranking_submit` claims the participant with a
conditional UPDATE (ranked_at still empty) inside the transaction that stores
the ranking, so of two submits at the same moment one stores its ranking and
the other is refused (AlreadyRanked) without touching it; the unique
constraints on (participant, position) and (participant, idea) back this up.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from research.evidence import importing
from research.evidence.services import check_characteristics
from research.models import NgtIdea, NgtParticipant, NgtRanking, NgtSession, Priority
from research.models.ngt import MAX_TOP_N
from research.priorities import services as priority_services

Phase = NgtSession.Phase
PHASES = list(Phase.values)
IDEA_MAX = 500


class NotOpen(Exception):
    """A participant's action the session does not take now: `reason` is
    CLOSED, WRONG_PHASE or RANKED."""

    CLOSED = "closed"
    WRONG_PHASE = "wrong_phase"
    RANKED = "ranked"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AlreadyRanked(NotOpen):
    def __init__(self):
        super().__init__(NotOpen.RANKED)


def _clean_idea(text: str) -> str:
    text = importing.clean_text(text or "", multiline=False)
    if not text:
        raise ValidationError({"text": "Enter the idea."})
    if len(text) > IDEA_MAX:
        raise ValidationError({"text": f"Keep the idea to {IDEA_MAX} characters or fewer."})
    return text


# --- Sessions -----------------------------------------------------------------------------


@transaction.atomic
def session_create(*, by, project, question: str, top_n: int = 5, mode=NgtSession.Mode.ONLINE, characteristics=()):
    question = importing.clean_text(question or "", multiline=True)
    if not question:
        raise ValidationError({"question": "Enter the question the group answers."})
    if not 1 <= int(top_n) <= MAX_TOP_N:
        raise ValidationError({"top_n": f"Choose a number from 1 to {MAX_TOP_N}."})
    session = NgtSession(
        project=project,
        question=question,
        top_n=int(top_n),
        mode=mode,
        characteristics=check_characteristics(characteristics),
        created_by=by,
    )
    session.full_clean(exclude=["project", "created_by"])
    session.save()
    return session


def next_phase(session: NgtSession) -> str | None:
    index = PHASES.index(session.phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


@transaction.atomic
def session_advance(*, by, session: NgtSession) -> NgtSession:
    """Move the session on to its next phase (closing it after ranking)."""
    session = NgtSession.objects.select_for_update().get(pk=session.pk)
    following = next_phase(session)
    if following is None:
        raise ValidationError("The session is closed.")
    live = NgtIdea.objects.filter(session=session, merged_into__isnull=True)
    if following != Phase.CLOSED and session.phase == Phase.IDEAS and not live.exists():
        raise ValidationError("Add at least one idea before listing them.")
    session.phase = following
    if following == Phase.LISTING:
        session.listing_position = 1
    if following == Phase.CLOSED:
        session.closed_at = timezone.now()
    session.save()
    return session


@transaction.atomic
def listing_move(*, by, session: NgtSession, step: int) -> NgtSession:
    """Show the next (step=1) or previous (step=-1) idea on the facilitator's screen."""
    session = NgtSession.objects.select_for_update().get(pk=session.pk)
    count = NgtIdea.objects.filter(session=session).count()
    session.listing_position = min(max(session.listing_position + step, 1), max(count, 1))
    session.save(update_fields=["listing_position", "updated_at"])
    return session


# --- Participants ---------------------------------------------------------------------------


@transaction.atomic
def participant_join(*, session: NgtSession, group: str, language: str) -> NgtParticipant:
    """Join an online session from its link. Refused once it has closed."""
    if session.phase == Phase.CLOSED:
        raise NotOpen(NotOpen.CLOSED)
    if session.mode != NgtSession.Mode.ONLINE:
        raise NotOpen(NotOpen.WRONG_PHASE)
    if group not in NgtParticipant.Group.values:
        raise ValidationError({"group": "Choose how you take part."})
    return NgtParticipant.objects.create(
        session=session, token=secrets.token_urlsafe(24), group=group, language=language
    )


def participant_set_language(*, participant: NgtParticipant, language: str) -> NgtParticipant:
    """The language a participant's pages are shown in."""
    NgtParticipant.objects.filter(pk=participant.pk).update(language=language)
    participant.language = language
    return participant


def _add_idea(session: NgtSession, text: str, participant=None) -> NgtIdea:
    # The session row is locked so two ideas never take the same number.
    NgtSession.objects.select_for_update().filter(pk=session.pk).first()
    number = (NgtIdea.objects.filter(session=session).aggregate(top=Max("number"))["top"] or 0) + 1
    return NgtIdea.objects.create(session=session, number=number, text=text, participant=participant)


@transaction.atomic
def idea_submit(*, participant: NgtParticipant, text: str) -> NgtIdea:
    """A participant's idea, written privately during silent idea generation."""
    session = NgtSession.objects.get(pk=participant.session_id)
    if session.phase == Phase.CLOSED:
        raise NotOpen(NotOpen.CLOSED)
    if session.phase != Phase.IDEAS:
        raise NotOpen(NotOpen.WRONG_PHASE)
    return _add_idea(session, _clean_idea(text), participant)


@transaction.atomic
def idea_add(*, by, session: NgtSession, text: str) -> NgtIdea:
    """An idea the facilitator types in (said in the room, or on paper)."""
    if session.phase == Phase.CLOSED:
        raise ValidationError("The session is closed: ideas can no longer be added.")
    return _add_idea(session, _clean_idea(text))


@transaction.atomic
def idea_merge(*, by, idea: NgtIdea, into: NgtIdea) -> NgtIdea:
    """Merge `idea` into `into` as a duplicate. It keeps pointing at `into`
    (traceable), is no longer ranked, and its points go to `into`."""
    if idea.session_id != into.session_id:
        raise ValidationError({"into": "Choose an idea of the same session."})
    if idea.session.phase == Phase.CLOSED:
        raise ValidationError("The session is closed: ideas can no longer be merged.")
    if idea.merged_into_id is not None:
        raise ValidationError("This idea is already merged into another.")
    while into.merged_into_id is not None:
        into = into.merged_into
    if into.pk == idea.pk:
        raise ValidationError({"into": "An idea cannot be merged into itself."})
    idea.merged_into = into
    idea.save(update_fields=["merged_into"])
    # Duplicates merged into this idea before now follow it.
    NgtIdea.objects.filter(merged_into=idea).update(merged_into=into)
    return idea


# --- Rankings -------------------------------------------------------------------------------


def _check_choices(session: NgtSession, idea_ids: Sequence[int]) -> list[NgtIdea]:
    idea_ids = [int(i) for i in idea_ids if i not in (None, "")]
    if not idea_ids:
        raise ValidationError("Choose at least your first choice.")
    if len(idea_ids) > session.top_n:
        raise ValidationError(f"Choose up to {session.top_n} ideas.")
    if len(set(idea_ids)) != len(idea_ids):
        raise ValidationError("Choose each idea only once.")
    ideas = {i.pk: i for i in NgtIdea.objects.filter(session=session, merged_into__isnull=True, pk__in=idea_ids)}
    if len(ideas) != len(idea_ids):
        raise ValidationError("Choose ideas from this session's list.")
    return [ideas[i] for i in idea_ids]


def _store(participant: NgtParticipant, ideas: list[NgtIdea]) -> None:
    NgtRanking.objects.bulk_create(
        [NgtRanking(participant=participant, idea=idea, position=n) for n, idea in enumerate(ideas, start=1)]
    )


@transaction.atomic
def ranking_submit(*, participant: NgtParticipant, idea_ids: Sequence[int]) -> NgtParticipant:
    """A participant's private ranking of their top N (first choice first). Once only:
    a second ranking raises AlreadyRanked and leaves the first as it was."""
    session = NgtSession.objects.get(pk=participant.session_id)
    if session.phase == Phase.CLOSED:
        raise NotOpen(NotOpen.CLOSED)
    if session.phase != Phase.RANKING:
        raise NotOpen(NotOpen.WRONG_PHASE)
    ideas = _check_choices(session, idea_ids)
    claimed = NgtParticipant.objects.filter(pk=participant.pk, ranked_at__isnull=True).update(ranked_at=timezone.now())
    if not claimed:
        raise AlreadyRanked()
    _store(participant, ideas)
    participant.refresh_from_db()
    return participant


@transaction.atomic
def paper_ranking_add(*, by, session: NgtSession, group: str, idea_ids: Sequence[int]) -> NgtParticipant:
    """A ranking from paper, typed in by the facilitator: the participant's group
    and their ideas in order."""
    if session.phase != Phase.RANKING:
        raise ValidationError("Paper rankings are typed in while the session is at the ranking phase.")
    if group not in NgtParticipant.Group.values:
        raise ValidationError({"group": "Choose how the participant took part."})
    ideas = _check_choices(session, idea_ids)
    participant = NgtParticipant.objects.create(session=session, group=group, on_paper=True, ranked_at=timezone.now())
    _store(participant, ideas)
    return participant


# --- Onward ---------------------------------------------------------------------------------


@transaction.atomic
def idea_make_priority(*, by, idea: NgtIdea, impact: str, effort: str, horizon: str, small_change=False):
    """A 2C priority from an idea, linked to it (source: an NGT idea)."""
    session = idea.session
    if idea.merged_into_id is not None:
        raise ValidationError("Make a priority from the idea this one was merged into.")
    priority = priority_services.priority_create(
        by=by,
        project=session.project,
        title=idea.text[:300],
        source=Priority.Source.NGT_IDEA,
        source_text=f"NGT session: {session.question}"[:300],
        impact=impact,
        effort=effort,
        horizon=horizon,
        small_change=small_change,
        characteristics=session.characteristics,
        ngt_idea=idea,
    )
    return priority
