"""Demo data for 2B: a closed NGT session of the Leeds project, with results by
group, made through the same services a real session uses. Written here as an
illustration, not a record of a real session."""

from amhe.core.models import Role
from research.models import NgtParticipant, NgtSession
from research.ngt import selectors, services

QUESTION = (
    "What would make it easier for people in Chapeltown and Harehills to get mental health support "
    "before a crisis? (illustrative)"
)
G = NgtParticipant.Group
# Who took part (group, language): 4 with lived experience, 3 staff, 2 carers and 1 other,
# so the carers and the other participant are shown together as "other groups".
PARTICIPANTS = [
    (G.LIVED_EXPERIENCE, "en-gb"),
    (G.LIVED_EXPERIENCE, "ur"),
    (G.LIVED_EXPERIENCE, "en-gb"),
    (G.LIVED_EXPERIENCE, "pl"),
    (G.STAFF, "en-gb"),
    (G.STAFF, "en-gb"),
    (G.STAFF, "en-gb"),
    (G.CARER, "ur"),
    (G.CARER, "en-gb"),
    (G.OTHER, "en-gb"),
]
IDEAS = [  # (who wrote it: index into PARTICIPANTS, text)
    (0, "A peer-led drop-in at a Chapeltown community centre"),
    (1, "Information in Urdu and Punjabi through mosques and gurdwaras"),
    (4, "One phone number for every kind of mental health help"),
    (5, "Evening crisis café as an alternative to A&E"),
    (7, "Support for families to spot early signs"),
    (2, "Drop-in sessions run by peers in the community"),  # merged into the first
    (6, "Staff training in culturally appropriate care"),
]
MERGES = {6: 1}  # idea number: the idea number it duplicates
RANKINGS = [  # idea numbers, first choice first (top 3)
    [1, 2, 4],
    [2, 1, 5],
    [1, 4, 2],
    [1, 5, 4],
    [3, 7, 4],
    [4, 3, 1],
    [7, 3, 1],
    [5, 2, 1],
    [5, 1, 4],
    [4, 1],
]


def load(*, project, users, stdout) -> None:
    if any(s.question == QUESTION for s in selectors.sessions(project)):
        return
    lead = users[Role.LEAD]
    session = services.session_create(
        by=lead, project=project, question=QUESTION, top_n=3, mode=NgtSession.Mode.ONLINE, characteristics=["race"]
    )
    people = [services.participant_join(session=session, group=g, language=lang) for g, lang in PARTICIPANTS]
    ideas = {}
    for writer, text in IDEAS:
        idea = services.idea_submit(participant=people[writer], text=text)
        ideas[idea.number] = idea
    session = services.session_advance(by=lead, session=session)  # round-robin listing
    session = services.session_advance(by=lead, session=session)  # clarification
    for number, into in MERGES.items():
        services.idea_merge(by=lead, idea=ideas[number], into=ideas[into])
    session = services.session_advance(by=lead, session=session)  # ranking
    for participant, numbers in zip(people, RANKINGS, strict=True):
        services.ranking_submit(participant=participant, idea_ids=[ideas[n].pk for n in numbers])
    services.session_advance(by=lead, session=session)  # closed
    stdout.write(f"  {project.name}: NGT session with {len(people)} participants")
