"""Demo data for 3A equality impact assessments (Leeds only): the strategy's EIA,
written and submitted by the lead through the services, awaiting a governance
lead's sign-off. Its evidence cites the demo's processed uploads and 1B surveys.
Written here as an illustration, not evidence."""

from amhe.core import taxonomy
from amhe.core.models import Role
from deliver.eia import selectors, services
from deliver.strategy import selectors as strategy_selectors

SUMMARY = (
    "Crisis support in the evenings, in community settings, with staff trained in culturally appropriate care "
    "(illustrative)."
)
# What the demo says about some characteristics; every other one is neutral.
IMPACTS = {
    "race": {
        "impact": "positive",
        "evidence": "Crisis referrals and detentions per 100,000 are highest for Black or Black British people "
        "in the demo upload; the survey asked where people would go for help.",
        "cite": True,
    },
    "age": {
        "impact": "unknown",
        "evidence": "Evening cafés may suit working-age adults more than older people; no data yet.",
        "mitigation": "Ask Age UK Leeds to review the opening hours with older people.",
    },
    "disability": {
        "impact": "negative",
        "evidence": "Some community venues proposed are not step-free.",
        "mitigation": "Use only step-free venues with a hearing loop.",
        "action": "Check access at each venue before it opens",
    },
    "deprivation": {
        "impact": "positive",
        "evidence": "Venues are in the most deprived fifth of Leeds neighbourhoods.",
        "cite": True,
    },
    "carer": {
        "impact": "unknown",
        "evidence": "Carers were not asked separately in the survey.",
        "mitigation": "Add a carers' question to the next survey.",
    },
}


def load(*, project, users, stdout) -> None:
    strategy = strategy_selectors.strategy_of(project)
    if strategy is None or selectors.eia_of(strategy) is not None:
        return
    lead = users[Role.LEAD]
    extracts, surveys = list(selectors.extract_choices(project)), list(selectors.survey_choices(project))
    impacts = {}
    for key in taxonomy.CHARACTERISTICS:
        given = dict(IMPACTS.get(key, {"impact": "neutral", "evidence": "No different effect expected."}))
        if given.pop("cite", False):
            given.update(extracts=extracts, surveys=surveys)
        impacts[key] = given
    eia = services.eia_create(by=lead, project=project, strategy=strategy)
    version = services.eia_save(by=lead, eia=eia, impacts=impacts, summary=SUMMARY, submit=True)
    stdout.write(
        f"  {project.name}: an equality impact assessment of the strategy, version {version.number}, submitted"
    )
