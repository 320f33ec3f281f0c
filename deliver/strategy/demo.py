"""Demo data for 3A (Leeds only): a strategy started from the project's agreed
priorities through the services, one more intervention, and the demo panel
member's comment. Written here as an illustration, not evidence."""

from amhe.core.models import Role
from deliver.strategy import selectors, services

TITLE = "Fairer crisis care in Leeds, 2026 to 2029 (illustrative)"
VISION = (
    "Black people in Leeds get help early, in places they trust, and fewer of them are detained "
    "under the Mental Health Act."
)
AIMS = (
    "Close the gap in detention rates between Black and White adults\n"
    "Offer crisis support in the evenings, in the community\n"
    "Train crisis staff in culturally appropriate care with the lived-experience panel"
)
# Which boxes of the demo driver diagram (research/plans/demo.py) each intervention serves.
PEER_BOXES = ("Peer supporters with lived experience in community settings",)
TRAINING = {
    "title": "Culturally appropriate care training for crisis teams (illustrative)",
    "kind": "culturally_appropriate",
    "description": "Co-delivered with the lived-experience panel to every crisis team by March 2027.",
    "characteristics": ["race"],
}
TRAINING_BOXES = ("Staff trained in culturally appropriate care", "Co-deliver training with the lived-experience panel")


def _boxes(project, texts):
    return [node for node in selectors.node_choices(project) if node.text in texts]


def load(*, project, users, stdout) -> None:
    if selectors.strategy_of(project) is not None:
        return
    lead = users[Role.LEAD]
    goals = list(selectors.goal_choices(project).filter(status="agreed"))
    agreed = list(selectors.agreed_priorities(project))
    if agreed:
        strategy, made = services.strategy_start_from_priorities(
            by=lead, project=project, priorities=agreed, title=TITLE, vision=VISION, aims=AIMS
        )
        for intervention in made:
            services.intervention_update(
                by=lead,
                intervention=intervention,
                kind="where_people_live",
                owner=lead,
                goals=goals,
                nodes=_boxes(project, PEER_BOXES),
            )
    else:
        strategy = services.strategy_save(by=lead, project=project, title=TITLE, vision=VISION, aims=AIMS)
    services.intervention_create(
        by=lead, strategy=strategy, owner=lead, goals=goals, nodes=_boxes(project, TRAINING_BOXES), **TRAINING
    )
    if Role.PANEL in users:
        services.strategy_comment_give(
            by=users[Role.PANEL],
            strategy=strategy,
            comment="Please ask people who have used crisis services to help choose where the café goes.",
        )
    stdout.write(f"  {project.name}: a strategy with {strategy.interventions.count()} interventions")
