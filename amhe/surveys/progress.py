"""A sub-step with a survey has work recorded (amhe.core.progress)."""

from amhe.core.progress import work_in
from amhe.surveys.steps import SURVEY_SUBSTEPS


def _surveys(code: str):
    def surveys(project):
        return project.surveys.filter(substep=code)

    return surveys


for _code in SURVEY_SUBSTEPS:
    work_in(_code)(_surveys(_code))
