"""2A demo data (Leeds only): references whose details were checked against the
publishers' pages (DOI, authors, year, figures quoted from the abstracts), and
existing initiatives, which are made up and marked illustrative."""

from amhe.core.demo import demo_loader
from amhe.core.models import Role
from research.models import Initiative, Reference

REFERENCES = (
    {
        "title": (
            "Ethnic variations in compulsory detention under the Mental Health Act: a systematic review and "
            "meta-analysis of international data"
        ),
        "authors": (
            "Barnett P; Mackay E; Matthews H; Gate R; Greenwood H; Ariyo K; Bhui K; Halvorsrud K; Pilling S; Smith S"
        ),
        "year": 2019,
        "doi": "10.1016/S2215-0366(19)30027-6",
        "summary": "Systematic review and meta-analysis of 71 studies from the UK and other countries (The Lancet "
        "Psychiatry 6(4), 305-317).",
        "effectiveness": "Black Caribbean patients were much more likely than White patients to be admitted "
        "compulsorily (odds ratio 2.53, 95% CI 2.03 to 3.16). It describes the gap and its suggested "
        "explanations; it does not test interventions.",
        "characteristics": ["race"],
    },
    {
        "title": "Ethnic inequalities and pathways to care in psychosis in England: a systematic review and "
        "meta-analysis",
        "authors": "Halvorsrud K; Nazroo J; Otis M; Brown Hajdukova E; Bhui K",
        "year": 2018,
        "doi": "10.1186/s12916-018-1201-9",
        "summary": "Meta-analyses of 40 studies in England of how adults with psychosis reach care (BMC Medicine 16, "
        "223).",
        "effectiveness": "Civil detentions were higher for Black Caribbean (odds ratio 3.43), Black African (3.11) and "
        "South Asian (1.50) patients than White patients, with more police contact for some groups: a case for "
        "earlier, community routes into care.",
        "characteristics": ["race"],
    },
    {
        "title": "Understanding ethnic inequalities in mental healthcare in the UK: A meta-ethnography",
        "authors": "Bansal N; Karlsen S; Sashidharan SP; Cohen R; Chew-Graham CA; Malpass A",
        "year": 2022,
        "doi": "10.1371/journal.pmed.1004139",
        "summary": "A synthesis of 66 qualitative UK studies on why people from ethnic minority groups are less often "
        "in primary care mental health services and more often in crisis pathways and detention (PLOS Medicine "
        "19(12), e1004139).",
        "effectiveness": "People described statutory services as a barrier to person-centred care; the authors "
        "call for services built with communities rather than single, standalone interventions.",
        "characteristics": ["race"],
    },
)

INITIATIVES = (
    {
        "name": "Evening crisis café (illustrative)",
        "sector": Initiative.Sector.VCSE,
        "owner": "A Leeds VCSE partner (illustrative)",
        "description": "A drop-in crisis café in the evenings, run by peers with lived experience, as an "
        "alternative to A&E. Made up for the demo.",
        "populations_served": "Adults in crisis in inner north-east Leeds, with outreach to Black communities.",
        "characteristics": ["race"],
        "contact": "Café coordinator (illustrative)",
    },
    {
        "name": "Carers' peer support network (illustrative)",
        "sector": Initiative.Sector.LOCAL_AUTHORITY,
        "owner": "Adult social care (illustrative)",
        "description": "Monthly meetings and a phone line for carers of people with severe mental illness. Made up "
        "for the demo.",
        "populations_served": "Unpaid carers across Leeds.",
        "characteristics": ["carer"],
        "contact": "Carers' lead (illustrative)",
    },
)


@demo_loader
def load_evidence_demo(*, project, users, stdout):
    if project.area != "Leeds":
        return
    lead = users[Role.LEAD]
    for fields in REFERENCES:
        Reference.objects.get_or_create(project=project, doi=fields["doi"], defaults={**fields, "created_by": lead})
    for fields in INITIATIVES:
        Initiative.objects.get_or_create(project=project, name=fields["name"], defaults={**fields, "created_by": lead})
    stdout.write(f"  {project.name}: {len(REFERENCES)} references and {len(INITIATIVES)} initiatives")
