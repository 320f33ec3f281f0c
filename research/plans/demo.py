"""Demo data for 2B: the Leeds project's driver diagram, whose aim is the
project's agreed SMART goal. Written here as an illustration, not evidence."""

from amhe.core.models import Role
from research.models import Diagram, DiagramNode
from research.plans import selectors, services

TITLE = "Earlier, culturally appropriate crisis support (illustrative)"
K = DiagramNode.Kind

PRIMARY = {
    "know": "People and families know where to turn before a crisis",
    "trust": "Services that Black communities trust",
    "respond": "Crisis responses that avoid detention where it is safe",
}
SECONDARY = {  # text: the primary drivers it serves
    "info": ("Information in community languages through faith and community groups", ["know"]),
    "peers": ("Peer supporters with lived experience in community settings", ["know", "trust"]),
    "staff": ("Staff trained in culturally appropriate care", ["trust", "respond"]),
    "cafe": ("An evening crisis café as an alternative to A&E", ["respond"]),
}
IDEAS = [  # text, the secondary drivers it serves
    ("Leaflets and community radio slots on where to get help", ["info"]),
    ("Test a peer-led drop-in at a Chapeltown community centre", ["peers"]),
    ("Co-deliver training with the lived-experience panel", ["staff", "peers"]),
    ("Open the café three evenings a week and count who comes", ["cafe"]),
]


def load(*, project, users, stdout) -> None:
    if any(d.title == TITLE for d in selectors.diagrams(project)):
        return
    lead = users[Role.LEAD]
    goal = selectors.goal_choices(project).first()
    diagram = services.diagram_create(by=lead, project=project, kind=Diagram.Kind.DRIVER, title=TITLE)
    aim = services.node_create(
        by=lead, diagram=diagram, kind=K.AIM, text="" if goal else "Fewer detentions in Leeds", goal=goal
    )
    primary = {
        key: services.node_create(by=lead, diagram=diagram, kind=K.PRIMARY, text=text, parents=[aim])
        for key, text in PRIMARY.items()
    }
    secondary = {
        key: services.node_create(
            by=lead, diagram=diagram, kind=K.SECONDARY, text=text, parents=[primary[p] for p in serves]
        )
        for key, (text, serves) in SECONDARY.items()
    }
    for text, serves in IDEAS:
        services.node_create(
            by=lead, diagram=diagram, kind=K.CHANGE_IDEA, text=text, parents=[secondary[s] for s in serves]
        )
    stdout.write(f"  {project.name}: driver diagram '{TITLE}'")
