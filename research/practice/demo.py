"""Demo data for 2A positive practice: three case studies for the Leeds demo
project, written here to show how the pages work and marked illustrative (no
real service, place or figure is described). One is shared with every
organisation (approved by the demo governance lead), one waits for review and
one is the project's own."""

from __future__ import annotations

from amhe.core.models import Role
from research.models import CaseStudy
from research.practice import services

ILLUSTRATIVE_SOURCE = "Illustrative figures written for the demo: not real data."

CASE_STUDIES = (
    {
        "sharing": "shared",
        "title": "Community mental health navigators in faith and community centres",
        "action": (
            "Two navigators from the local Black African and Caribbean communities held weekly drop-in sessions in "
            "a church hall and a community centre, so people could talk about their mental health early, before a "
            "crisis, and be helped to reach the right service."
        ),
        "delivery": (
            "A local VCSE partner employed the navigators with funding from the ICB; the community mental health "
            "team gave them training and a named clinician to call. A group of people with lived experience chose "
            "the venues and the name of the service, and met every quarter to review it."
        ),
        "impact": (
            "People who had never been in touch with services came to the sessions, and more were referred to "
            "community support before reaching crisis services."
        ),
        "impact_figures": "Illustrative: 180 people seen in a year; 60% had no earlier contact with services.",
        "impact_source": ILLUSTRATIVE_SOURCE,
        "characteristics": ["race", "religion_belief"],
        "intervention_type": "where_people_live",
        "setting": "community",
        "area": "An English city (illustrative)",
        "evidence_strength": "monitored",
        "contact": "Illustrative contact: navigator service manager",
    },
    {
        "sharing": "submitted",
        "title": "Advocates from the community at Mental Health Act assessments",
        "action": (
            "People assessed under the Mental Health Act were offered an advocate from their own community, who "
            "could explain what was happening, in their language, and make sure their wishes were heard."
        ),
        "delivery": (
            "The approved mental health professional service and a community advocacy charity agreed a way to call "
            "an advocate at any hour; advocates were trained on the Act and on culturally appropriate care."
        ),
        "impact": "People and families said they understood the assessment better and felt listened to.",
        "impact_figures": "",
        "impact_source": "",
        "characteristics": ["race"],
        "intervention_type": "culturally_appropriate",
        "setting": "crisis",
        "area": "A county in England (illustrative)",
        "evidence_strength": "described",
        "contact": "",
    },
    {
        "sharing": "private",
        "title": "Recording ethnicity in crisis referrals",
        "action": "Crisis teams were helped to record each person's ethnic group as they describe it themselves.",
        "delivery": (
            "A short training session, a one-page guide and a monthly report to each team of how many referrals "
            "had 'not stated' or 'not known' recorded."
        ),
        "impact": "Fewer referrals had no ethnic group recorded, so inequalities could be seen in the data.",
        "impact_figures": "Illustrative: 'not known' fell from 22% to 7% of referrals in six months.",
        "impact_source": ILLUSTRATIVE_SOURCE,
        "characteristics": ["race"],
        "intervention_type": "data_quality",
        "setting": "system",
        "area": "An English city (illustrative)",
        "evidence_strength": "monitored",
        "contact": "",
    },
)


def load(*, project, users, stdout) -> None:
    lead, reviewer = users[Role.LEAD], users[Role.GOVERNANCE]
    made = 0
    for item in CASE_STUDIES:
        fields = {key: value for key, value in item.items() if key != "sharing"}
        if CaseStudy.objects.filter(project=project, title=fields["title"]).exists():
            continue
        case_study = services.case_study_create(by=lead, project=project, illustrative=True, **fields)
        if item["sharing"] in ("submitted", "shared"):
            services.sharing_submit(by=lead, case_study=case_study)
        if item["sharing"] == "shared":
            services.sharing_review(by=reviewer, case_study=case_study, approve=True)
        made += 1
    if made:
        stdout.write(f"  {project.name}: {made} illustrative case studies of positive practice")
