"""2C demo data (Leeds only): a short priority list, made up and marked
illustrative, one agreed, with the demo panel member's view on it."""

from amhe.core.demo import demo_loader
from amhe.core.models import Role
from research.models import Priority, PriorityView, Reference

PRIORITIES = (
    {
        "title": "Peer support for Black people in crisis in the evenings (illustrative)",
        "description": "Extend peer support to the evenings, when most crisis referrals of Black men arrive.",
        "source": Priority.Source.THEME,
        "source_text": "Focus group theme: nowhere to go after 5pm",
        "impact": "high",
        "effort": "medium",
        "horizon": Priority.Horizon.SHORT,
        "characteristics": ["race"],
        "state": Priority.State.AGREED,
    },
    {
        "title": "Offer an interpreter at every Mental Health Act assessment (illustrative)",
        "description": "Book interpreters by default for people whose first language is not English.",
        "source": Priority.Source.OTHER,
        "source_text": "Survey answers about language",
        "impact": "medium",
        "effort": "low",
        "horizon": Priority.Horizon.IMMEDIATE,
        "small_change": True,
        "characteristics": ["race"],
    },
    {
        "title": "Co-design community crisis routes with Black-led organisations (illustrative)",
        "source": Priority.Source.CASE_STUDY,
        "impact": "high",
        "effort": "high",
        "horizon": Priority.Horizon.LONG,
        "characteristics": ["race"],
    },
)


@demo_loader
def load_priorities_demo(*, project, users, stdout):
    if project.area != "Leeds":
        return
    lead, panel = users[Role.LEAD], users[Role.PANEL]
    evidence = list(Reference.objects.filter(project=project).order_by("year"))
    for fields in PRIORITIES:
        priority, created = Priority.objects.get_or_create(
            project=project, title=fields["title"], defaults={**fields, "created_by": lead}
        )
        if created:
            priority.references.set(evidence[:2])
    agreed = Priority.objects.filter(project=project, state=Priority.State.AGREED).first()
    if agreed is not None:
        PriorityView.objects.get_or_create(
            priority=agreed,
            member=panel,
            defaults={"vote": PriorityView.Vote.SUPPORT, "comment": "Evenings are when people have nowhere to go."},
        )
    stdout.write(f"  {project.name}: {len(PRIORITIES)} priorities")
