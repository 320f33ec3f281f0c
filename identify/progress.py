"""Identify's sub-steps with work recorded (amhe.core.progress): 1A once data is
uploaded, 1B once a focus group or community input is recorded (its surveys
count through amhe.surveys.progress)."""

from amhe.core.progress import work_in


@work_in("1A")
def has_uploads(project) -> bool:
    return project.extracts.exists()


@work_in("1B")
def has_community_work(project) -> bool:
    return project.focus_groups.exists() or project.community_inputs.exists()
