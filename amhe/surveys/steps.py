"""The sub-steps of the cycle in which a survey can be run, and the URL
converter for the steps that have them."""

from amhe.core import cycle

SURVEY_SUBSTEPS = ("1B", "2A", "4A", "4B")
SURVEY_SUBSTEP_CHOICES = [(code, f"{code} {cycle.SUBSTEP_BY_CODE[code].title}") for code in SURVEY_SUBSTEPS]


def step_surveys_substeps(step: str) -> tuple[str, ...]:
    """The survey sub-steps of the step with slug `step` ("evaluate" -> ("4A", "4B"))."""
    return tuple(code for code in SURVEY_SUBSTEPS if cycle.step_of(code).slug == step)


SURVEY_STEPS = tuple(dict.fromkeys(cycle.step_of(code).slug for code in SURVEY_SUBSTEPS))


class SurveyStepConverter:
    """<surveystep:step> in a URL: the slug of a step in which surveys are run."""

    regex = "|".join(SURVEY_STEPS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        value = getattr(value, "slug", value)
        if value not in SURVEY_STEPS:
            raise ValueError(f"no surveys in step {value!r}")
        return value
