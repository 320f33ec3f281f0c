"""The self-assessment frameworks the app ships, as plain data. Migration
0008_frameworks loads them (organisation empty: every organisation may use them);
after that they live in the database, read-only in the app (staff may edit them in
Django admin); an organisation's admin for frameworks copies one to change it.

EDS 2022: NHS England, "Equality Delivery System 2022" (technical guidance, and the
EDS ratings and score card), https://www.england.nhs.uk/about/equality/equality-hub/
patient-equalities-programme/equality-frameworks-and-information-standards/eds/ ,
Open Government Licence v3.0. The eleven outcomes are worded as NHS organisations
quote them in their published EDS 2022 reports (checked against three: Doncaster and
Bassetlaw 1A-1D and 2A-2B, Leeds Teaching Hospitals 1A-1D and 2D, South Yorkshire ICB
3A-3C); 2C is as we remember the guidance and was not checked against a copy. The
score bands are the README's; see it for what could not be checked (a search in
December 2026 found no copy of the score card; Leeds Teaching Hospitals' EDS page,
https://leedsth.nhs.uk/about/trust/equality-diversity/equality-delivery-system-eds ,
confirms the rating names and a total of 22 rated Achieving).

PCREF: NHS England, "Patient and carer race equality framework" (2023),
https://www.england.nhs.uk/mental-health/advancing-mental-health-equalities/pcref/ ,
Open Government Licence v3.0: its three components and six national organisational
competencies, in our own short words. PCREF sets no national rating scale; the four
levels here are the app's own.
"""

from __future__ import annotations

from evaluate.frameworks.scoring import EDS_2022_BANDS

EDS_2022_SOURCE = (
    "NHS England, Equality Delivery System 2022: technical guidance, and EDS ratings and score card. "
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
PCREF_SOURCE = (
    "NHS England, Patient and carer race equality framework (2023). The rating levels are this app's own: "
    "PCREF sets no national scale. Contains public sector information licensed under the Open Government "
    "Licence v3.0."
)

EDS_LEVELS = (
    (
        0,
        "Undeveloped activity",
        "The organisation has not started this work, or the evidence does not show it for people with "
        "protected characteristics.",
    ),
    (
        1,
        "Developing activity",
        "The organisation is starting to do this work for some protected characteristics, with some evidence.",
    ),
    (
        2,
        "Achieving activity",
        "The organisation does this work for most protected characteristics, with evidence for each.",
    ),
    (
        3,
        "Excelling activity",
        "The organisation does this work for all protected characteristics, with evidence of results for each.",
    ),
)

EDS_2022 = {
    "key": "eds-2022",
    "name": "Equality Delivery System 2022 (EDS 2022)",
    "short_name": "EDS 2022",
    "description": (
        "NHS England's yearly review of how well an NHS organisation serves, employs and leads for people "
        "with characteristics protected by the Equality Act 2010: eleven outcomes in three domains, each "
        "rated 0 to 3, added up to a total out of 33."
    ),
    "source": EDS_2022_SOURCE,
    "section_label": "Domain",
    "item_label": "Outcome",
    "evidence_by_characteristic": True,
    "low_rating": 1,
    "bands": [dict(band) for band in EDS_2022_BANDS],
    "levels": EDS_LEVELS,
    "sections": (
        (
            "1",
            "Commissioned or provided services",
            (
                ("1A", "Patients (service users) have required levels of access to the service"),
                ("1B", "Individual patients (service users) health needs are met"),
                ("1C", "When patients (service users) use the service, they are free from harm"),
                ("1D", "Patients (service users) report positive experiences of the service"),
            ),
        ),
        (
            "2",
            "Workforce health and well-being",
            (
                (
                    "2A",
                    "When at work, staff are provided with support to manage obesity, diabetes, asthma, COPD "
                    "and mental health conditions",
                ),
                (
                    "2B",
                    "When at work, staff are free from abuse, harassment, bullying and physical violence "
                    "from any source",
                ),
                (
                    "2C",
                    "Staff have access to independent support and advice when suffering from stress, abuse, "
                    "bullying, harassment and physical violence from any source",
                ),
                ("2D", "Staff recommend the organisation as a place to work and receive treatment"),
            ),
        ),
        (
            "3",
            "Inclusive leadership",
            (
                (
                    "3A",
                    "Board members, system leaders (Band 9 and VSM) and those with line management "
                    "responsibilities routinely demonstrate their understanding of, and commitment to, "
                    "equality and health inequalities",
                ),
                (
                    "3B",
                    "Board/Committee papers (including minutes) identify equality and health inequalities "
                    "related impacts and risks and how they will be mitigated and managed",
                ),
                (
                    "3C",
                    "Board members and system leaders (Band 9 and VSM) ensure levers are in place to manage "
                    "performance and monitor progress with staff and patients",
                ),
            ),
        ),
    ),
    "low_action": "Agree with the people affected what would move this outcome up a rating, and who does it by when.",
}

PCREF_LEVELS = (
    (0, "Not in place", "Nothing is in place yet, or there is no evidence of it."),
    (1, "Partly in place", "Some of it is in place, or only in some services, with some evidence."),
    (2, "In place", "It is in place across the organisation, with evidence, reviewed with racialised communities."),
    (
        3,
        "Embedded",
        "It is in place and reviewed with racialised communities, and the core measures show it making a difference.",
    ),
)

PCREF = {
    "key": "pcref",
    "name": "Patient and Carer Race Equality Framework (PCREF)",
    "short_name": "PCREF",
    "description": (
        "NHS England's anti-racism framework for mental health services (2023), part of the NHS Standard "
        "Contract and of CQC inspection: leadership and governance, six national organisational "
        "competencies, and the patient and carer feedback mechanism."
    ),
    "source": PCREF_SOURCE,
    "section_label": "Component",
    "item_label": "Requirement",
    "evidence_by_characteristic": False,
    "low_rating": 1,
    "bands": [],
    "levels": PCREF_LEVELS,
    "sections": (
        (
            "1",
            "Leadership and governance (legislative and regulatory obligations)",
            (
                (
                    "1.1",
                    "An executive board lead, with governance structures and accountability across the organisation",
                ),
                (
                    "1.2",
                    "Local PCREF plans co-produced, carried out and reviewed with racialised communities "
                    "and the workforce",
                ),
                ("1.3", "Core measures monitored at board regularly, and the PCREF plan published"),
            ),
        ),
        (
            "2",
            "National organisational competencies",
            (
                ("2.1", "Cultural awareness"),
                ("2.2", "Staff knowledge and awareness"),
                ("2.3", "Partnership working"),
                ("2.4", "Workforce"),
                ("2.5", "Co-learning"),
                ("2.6", "Co-production"),
            ),
        ),
        (
            "3",
            "Patient and carer feedback mechanism",
            (
                (
                    "3.1",
                    "Visible, easy ways for patients and carers to give feedback, and clear ways to act and "
                    "report on it",
                ),
            ),
        ),
    ),
    "low_action": "Agree with racialised communities what would put this in place, who does it and by when.",
}

FRAMEWORKS = (EDS_2022, PCREF)


def load(Framework, RatingLevel, FrameworkSection, FrameworkItem) -> None:
    """Create the shipped frameworks that are not there yet (used by the migration, with its
    historical models, and by tests)."""
    for spec in FRAMEWORKS:
        if Framework.objects.filter(organisation__isnull=True, key=spec["key"]).exists():
            continue
        framework = Framework.objects.create(
            organisation=None,
            **{
                name: spec[name]
                for name in (
                    "key",
                    "name",
                    "short_name",
                    "description",
                    "source",
                    "section_label",
                    "item_label",
                    "evidence_by_characteristic",
                    "low_rating",
                    "bands",
                )
            },
        )
        for value, label, evidence in spec["levels"]:
            RatingLevel.objects.create(framework=framework, value=value, label=label, evidence_required=evidence)
        for position, (code, title, items) in enumerate(spec["sections"], start=1):
            section = FrameworkSection.objects.create(framework=framework, code=code, title=title, position=position)
            for item_position, (item_code, item_title) in enumerate(items, start=1):
                FrameworkItem.objects.create(
                    section=section,
                    code=item_code,
                    title=item_title,
                    position=item_position,
                    low_action=spec["low_action"],
                )
