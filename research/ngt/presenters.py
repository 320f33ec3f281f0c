"""What the 2B NGT pages show: phase labels and tags, the results table with
its split by participant group, and the facilitator screen's data (also sent
as JSON to the screen's script)."""

from __future__ import annotations

from dataclasses import dataclass

from research.models import NgtParticipant, NgtSession
from research.ngt import scoring, selectors

Phase = NgtSession.Phase
GROUP_LABELS = dict(NgtParticipant.Group.choices)
GROUP_HEADINGS = {
    NgtParticipant.Group.LIVED_EXPERIENCE: "Lived experience",
    NgtParticipant.Group.CARER: "Carers",
    NgtParticipant.Group.STAFF: "Staff",
    NgtParticipant.Group.OTHER: "Other",
    scoring.OTHER_GROUPS: "Other groups",
}
PHASE_TAGS = {
    Phase.IDEAS: "nhsuk-tag--blue",
    Phase.LISTING: "nhsuk-tag--aqua-green",
    Phase.CLARIFYING: "nhsuk-tag--purple",
    Phase.RANKING: "nhsuk-tag--orange",
    Phase.CLOSED: "nhsuk-tag--grey",
}
PHASE_STEPS = {
    Phase.IDEAS: "Participants write their ideas on their own, without talking.",
    Phase.LISTING: "Go round the group: show each idea in turn, without discussing it yet.",
    Phase.CLARIFYING: "Talk through what each idea means, and merge ideas that say the same thing.",
    Phase.RANKING: "Each participant privately ranks their top ideas.",
    Phase.CLOSED: "The session is closed. The results are below.",
}
NEXT_ACTION = {
    Phase.IDEAS: "Start the round-robin listing",
    Phase.LISTING: "Start clarifying and merging",
    Phase.CLARIFYING: "Start ranking",
    Phase.RANKING: "Close the session and show the results",
}


def phase_tag(session) -> tuple[str, str]:
    return session.get_phase_display(), PHASE_TAGS[session.phase]


def phase_steps(session) -> list[dict]:
    """The five phases with the current one marked, for the facilitator's page."""
    current = list(Phase.values).index(session.phase)
    return [
        {"label": label, "current": i == current, "done": i < current}
        for i, (_value, label) in enumerate(Phase.choices)
    ]


@dataclass
class ResultRow:
    place: int
    idea: object
    points: int
    rankers: int
    groups: list  # scoring.Tally per shown group
    merged: list  # the ideas merged into this one


def results(session) -> dict:
    """The session's results: rows best first, the groups shown and why, in words."""
    ballots = selectors.ballots(session)
    ideas = selectors.ideas(session)
    by_id = {idea.pk: idea for idea in ideas}
    scores = scoring.score(
        ballots,
        n=session.top_n,
        ideas=[idea.pk for idea in ideas],
        merged_into=selectors.merges(session),
        groups=selectors.GROUPS,
    )
    the_split = scoring.split(ballots, groups=selectors.GROUPS)
    rows = [
        ResultRow(
            place=entry.place,
            idea=by_id[entry.idea],
            points=entry.points,
            rankers=entry.rankers,
            groups=scoring.group_tally(entry, the_split) if the_split.split else [],
            merged=list(by_id[entry.idea].merged_ideas.all()),
        )
        for entry in scores
        if entry.idea in by_id
    ]
    return {
        "rows": rows,
        "ballot_count": len(ballots),
        "split": the_split.split,
        "group_headings": [
            {"label": group_heading(g, the_split), "rankers": the_split.rankers[g]} for g in the_split.groups
        ],
        "split_sentence": split_sentence(the_split, len(ballots)),
        "top_n": session.top_n,
    }


def group_heading(group: str, the_split: scoring.Split) -> str:
    """A group's column heading; the pooled column names the groups in it when one of
    them is big enough to be shown on its own (it took in groups too small to show)."""
    if group == scoring.OTHER_GROUPS and the_split.host:
        names = [GROUP_HEADINGS[g] for g in the_split.pooled]
        return " and ".join([names[0], *(n.lower() for n in names[1:])]) + " together"
    return GROUP_HEADINGS[group]


def split_sentence(the_split: scoring.Split, ballot_count: int) -> str:
    minimum = scoring.MIN_GROUP_RANKERS
    if ballot_count == 0:
        return "No one has ranked the ideas yet."
    pooled = ", ".join(GROUP_HEADINGS[g].lower() for g in the_split.pooled)
    if not the_split.split:
        if the_split.pooled:
            return (
                f"The results are not split by group: fewer than {minimum} people ranked as {pooled}, "
                "and showing the other groups would let anyone work out how they ranked."
            )
        return "The results are not split by group."
    if the_split.host:
        small = ", ".join(GROUP_HEADINGS[g].lower() for g in the_split.pooled[1:])
        return (
            f"Groups are shown apart when at least {minimum} people in them ranked. Fewer than {minimum} "
            f"ranked as {small}, and showing every other group apart would let anyone work out how they "
            f"ranked, so they are counted together with {GROUP_HEADINGS[the_split.host].lower()}."
        )
    if the_split.pooled:
        return (
            f"Groups are shown apart when at least {minimum} people in them ranked. Fewer than {minimum} "
            f"ranked as {pooled}, so they are counted together under “other groups”."
        )
    return f"Every group is shown: at least {minimum} people in each ranked."


def screen_data(session) -> dict:
    """What the facilitator's screen shows now (and its script polls as JSON)."""
    numbers = selectors.counts(session)
    data = {
        "phase": session.phase,
        "phase_label": session.get_phase_display(),
        "joined": numbers["joined"],
        "ranked": numbers["ranked"],
        "ideas": numbers["ideas"],
        "live_ideas": numbers["live_ideas"],
        "listing_position": session.listing_position,
        "current_idea": "",
        "current_number": None,
        "idea_list": [],
        "version": f"{session.phase}:{session.listing_position}",
    }
    if session.phase == Phase.LISTING:
        idea = selectors.idea_at(session, session.listing_position)
        if idea is not None:
            data["current_idea"] = idea.text
            data["current_number"] = idea.number
    if session.phase in (Phase.CLARIFYING, Phase.RANKING):
        data["idea_list"] = [{"number": i.number, "text": i.text} for i in selectors.live_ideas(session)]
    return data
