"""4A demo data (Leeds only): EDS 2022 self-assessments for two years (so the
year-on-year table shows a change) and a PCREF self-assessment, with evidence linked
to the demo's uploads, surveys, decisions and measures. All through the services. (No
Deliver action is made from a low rating here, so Deliver's own demo keeps its four.)"""

from __future__ import annotations

import datetime

from amhe.core.models import Role
from evaluate.frameworks import selectors, services
from evaluate.models import Framework

# (item code, rating last year, rating this year, evidence)
EDS = (
    (
        "1A",
        1,
        2,
        "Crisis referral rates by ethnicity from the 1A upload; the evening crisis service opened in Harehills.",
    ),
    ("1B", 1, 1, "Care plans record language and faith needs for fewer than half of people; interpreters booked late."),
    ("1C", 1, 2, "Restraint and seclusion reviewed by ethnicity each quarter; incident themes shared with the panel."),
    ("1D", 1, 1, "Community survey: fewer Black respondents than White felt listened to in their first contact."),
    ("2A", 2, 2, "Occupational health offers support for long-term conditions; uptake recorded by staff network."),
    ("2B", 1, 1, "Staff survey: more Black and minority ethnic staff report harassment from patients and the public."),
    ("2C", 2, 2, "Freedom to Speak Up guardians and staff networks give independent support."),
    ("2D", 1, 2, "More staff would recommend the trust as a place to work than last year, in every staff group."),
    ("3A", 2, 2, "Board members hold equality objectives; an executive sponsors each staff network."),
    ("3B", 1, 2, "Board papers now carry an equality and health inequalities impact section."),
    ("3C", 1, 2, "WRES, WDES and the equality dashboard go to the people committee each quarter."),
)
CHARACTERISTIC_EVIDENCE = {
    "1A": {"race": "Black people are referred in crisis at a higher rate per 100,000 than White people in Leeds."},
    "1D": {
        "race": "Black respondents were less likely to say they felt listened to.",
        "age": "Older people asked for phone options.",
    },
}
# (item code, rating, evidence)
PCREF = (
    ("1.1", 2, "The chief nurse is the executive board lead; a PCREF steering group reports to the quality committee."),
    ("1.2", 1, "The first plan was written with the lived-experience panel; community groups joined only at review."),
    (
        "1.3",
        1,
        "The board sees crisis referral rates by ethnicity; detention and restraint by ethnicity are not yet reported.",
    ),
    ("2.1", 2, "Community mapping of faith and cultural organisations in Harehills and Chapeltown."),
    ("2.2", 1, "Cultural awareness training reached a third of crisis staff."),
    ("2.3", 2, "Shared referral routes with two Black-led community organisations."),
    ("2.4", 1, "Senior clinical roles are less diverse than the communities served."),
    ("2.5", 2, "Learning sessions with community partners each quarter."),
    ("2.6", 2, "The panel co-designed the evening crisis service."),
    ("3.1", 1, "Feedback cards in four languages; no report yet of what changed in response."),
)


def _rate(*, by, project, assessment, code, value, evidence, by_characteristic=None, links=None):
    rating = next(r for r in selectors.ratings(assessment) if r.item.code == code)
    return services.rating_record(
        by=by,
        rating=rating,
        value=value,
        evidence=evidence,
        by_characteristic=by_characteristic or {},
        **(links or {}),
    )


def load(*, project, users, stdout):
    if selectors.assessments(project).exists():
        return
    services.ensure_national_frameworks()
    lead = users[Role.LEAD]
    governance = users.get(Role.GOVERNANCE, lead)
    eds = Framework.objects.get(organisation__isnull=True, key="eds-2022")
    pcref = Framework.objects.get(organisation__isnull=True, key="pcref")
    links = {
        "extracts": list(selectors.extract_choices(project)[:1]),
        "surveys": list(selectors.survey_choices(project)[:1]),
        "decisions": list(selectors.decision_choices(project)[:1]),
    }
    measures = list(selectors.measure_choices(project))
    years = (("2024/25", datetime.date(2025, 2, 20), 1), ("2025/26", datetime.date(2026, 2, 19), 2))
    for period, on, column in years:
        assessment = services.assessment_create(
            by=governance,
            project=project,
            framework=eds,
            period=period,
            assessed_on=on,
            summary="Rated with the lived-experience panel, staff network chairs and Healthwatch Leeds.",
        )
        for row in EDS:
            code, evidence = row[0], row[3]
            _rate(
                by=governance,
                project=project,
                assessment=assessment,
                code=code,
                value=row[column],
                evidence=evidence,
                by_characteristic=CHARACTERISTIC_EVIDENCE.get(code),
                links=links if code in {"1A", "1D"} and column == 2 else None,
            )
    assessment = services.assessment_create(
        by=lead,
        project=project,
        framework=pcref,
        period="2025/26",
        assessed_on=datetime.date(2026, 3, 12),
        summary="First PCREF self-assessment, with the panel and two community partners.",
    )
    for code, value, evidence in PCREF:
        _rate(
            by=lead,
            project=project,
            assessment=assessment,
            code=code,
            value=value,
            evidence=evidence,
            links={"measures": measures} if code == "1.3" else None,
        )

    stdout.write(f"  {project.name}: EDS 2022 for 2024/25 and 2025/26 and PCREF for 2025/26 (4A)")
