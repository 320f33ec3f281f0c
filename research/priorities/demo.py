"""2C demo data (Leeds only): a short priority list, made up and marked
illustrative, one agreed, with the demo panel member's view on it. Made through
the services, so each priority links the 1B theme or case study it came from."""

from amhe.core.models import Role
from amhe.surveys.models import Theme
from research.models import CaseStudy, Priority, PriorityView, Reference
from research.priorities import services

PRIORITIES = (
    {
        "title": "Peer support for Black people in crisis in the evenings (illustrative)",
        "description": "Extend peer support to the evenings, when most crisis referrals of Black men arrive.",
        "source": Priority.Source.THEME,
        "theme": "Community alternatives",
        "impact": "high",
        "effort": "medium",
        "horizon": Priority.Horizon.SHORT,
        "characteristics": ["race"],
        "state": Priority.State.AGREED,
    },
    {
        "title": "Offer an interpreter at every Mental Health Act assessment (illustrative)",
        "description": "Book interpreters by default for people whose first language is not English.",
        "source": Priority.Source.THEME,
        "theme": "Language and interpreting",
        "impact": "medium",
        "effort": "low",
        "horizon": Priority.Horizon.IMMEDIATE,
        "small_change": True,
        "characteristics": ["race"],
    },
    {
        "title": "Co-design community crisis routes with Black-led organisations (illustrative)",
        "source": Priority.Source.CASE_STUDY,
        "case_study": "Community mental health navigators in faith and community centres",
        "impact": "high",
        "effort": "high",
        "horizon": Priority.Horizon.LONG,
        "characteristics": ["race"],
    },
)


def load(*, project, users, stdout):
    """Called by research/demo.py after the case studies are made (Leeds only)."""
    lead, panel = users[Role.LEAD], users[Role.PANEL]
    evidence = list(Reference.objects.filter(project=project).order_by("year")[:2])
    for spec in PRIORITIES:
        fields = dict(spec)
        if Priority.objects.filter(project=project, title=fields["title"]).exists():
            continue
        state = fields.pop("state", Priority.State.PROPOSED)
        if "theme" in fields:
            fields["theme"] = Theme.objects.filter(project=project, name=fields["theme"]).first()
        if "case_study" in fields:
            fields["case_study"] = CaseStudy.objects.filter(project=project, title=fields["case_study"]).first()
        priority = services.priority_create(by=lead, project=project, references=evidence, **fields)
        if state != Priority.State.PROPOSED:
            services.priority_set_state(by=lead, priority=priority, state=state)
    agreed = Priority.objects.filter(project=project, state=Priority.State.AGREED).first()
    if agreed is not None and not PriorityView.objects.filter(priority=agreed, member=panel).exists():
        services.priority_view_give(
            by=panel,
            priority=agreed,
            vote=PriorityView.Vote.SUPPORT,
            comment="Evenings are when people have nowhere to go.",
        )
    stdout.write(f"  {project.name}: {len(PRIORITIES)} priorities")
