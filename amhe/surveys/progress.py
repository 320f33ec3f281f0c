"""A sub-step with a survey has work recorded (amhe.core.progress)."""

from amhe.core.progress import work_in
from amhe.surveys.steps import SURVEY_SUBSTEPS


def _has_survey(code: str):
    def has_survey(project) -> bool:
        return project.surveys.filter(substep=code).exists()

    return has_survey


for _code in SURVEY_SUBSTEPS:
    work_in(_code)(_has_survey(_code))
