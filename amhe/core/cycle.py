"""The AMHE cycle as data: four steps and their sub-steps.

Source: NCCMH, "The Advancing Mental Health Equality (AMHE) Resource: a summary
of the four steps". The wording below paraphrases that summary; page numbers
refer to the full resource.

This module is pure Python (no Django) so step apps, the project home and
reports all read one definition.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SubStep:
    code: str
    title: str
    summary: str
    pages: str  # "36" or "12 to 23"

    @property
    def page_reference(self) -> str:
        """The pages in words: "page 36" or "pages 12 to 23"."""
        return f"page {self.pages}" if self.pages.isdigit() else f"pages {self.pages}"


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    summary: str
    substeps: tuple[SubStep, ...]


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "identify",
        "Identify",
        "Identify inequalities in access, experience and outcomes.",
        (
            SubStep(
                "1A",
                "Use existing data and resources",
                "Population statistics, community assets, service use, experience and outcome measures, "
                "broken down by protected and other characteristics.",
                "12 to 23",
            ),
            SubStep(
                "1B",
                "Work with communities",
                "Focus groups, surveys and input from community groups, people with lived experience, "
                "carers and the workforce, made accessible, easy and fair.",
                "24 to 27",
            ),
        ),
    ),
    Step(
        2,
        "research",
        "Research",
        "Research what could be done to solve the issues identified.",
        (
            SubStep(
                "2A",
                "Research",
                "Ask the community, identify positive practice and refer to the existing evidence base.",
                "29 to 32",
            ),
            SubStep(
                "2B",
                "Formulate plans",
                "Plan action with reliable methods such as nominal group technique, theory of change "
                "and driver mapping, involving people with lived experience.",
                "32 to 35",
            ),
            SubStep(
                "2C",
                "Set out key priorities",
                "Agree immediate priorities, small changes, and short-, medium- and long-term solutions.",
                "36",
            ),
        ),
    ),
    Step(
        3,
        "deliver",
        "Deliver",
        "Deliver a strategy for change.",
        (
            SubStep(
                "3A",
                "Create a strategy",
                "A strategy guided by SMART goals, with resourcing, timeframes and equality impact assessments.",
                "38 to 39",
            ),
            SubStep(
                "3B",
                "Implement the strategy",
                "Put the chosen interventions into practice where people live, with choice and culturally "
                "appropriate care.",
                "39 to 42",
            ),
            SubStep(
                "3C",
                "Governance and accountability",
                "Governance structures so that every action taken is justifiable and effective.",
                "42 to 43",
            ),
        ),
    ),
    Step(
        4,
        "evaluate",
        "Evaluate",
        "Evaluate the impact on inequalities, then start the next cycle.",
        (
            SubStep(
                "4A",
                "Collect data and measures",
                "PREMs, PROMs, self-assessment, access data broken down by demographics, and benchmarking.",
                "45 to 46",
            ),
            SubStep(
                "4B",
                "Provide opportunities for feedback",
                "Equal, accessible and fair feedback from people who use services, families, carers, "
                "communities and the workforce.",
                "46",
            ),
            SubStep(
                "4C",
                "Review data and feedback",
                "Review with people with lived experience, and use what is learned in commissioning.",
                "47",
            ),
        ),
    ),
)

STEP_BY_NUMBER = {step.number: step for step in STEPS}
STEP_BY_SLUG = {step.slug: step for step in STEPS}
SUBSTEP_BY_CODE = {sub.code: sub for step in STEPS for sub in step.substeps}
SUBSTEP_CODES = tuple(SUBSTEP_BY_CODE)


def step_of(substep_code: str) -> Step:
    return STEP_BY_NUMBER[int(substep_code[0])]
