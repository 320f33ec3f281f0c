"""Identify's sub-steps with work recorded (amhe.core.progress): 1A once data is
uploaded, 1B once a focus group or community input is recorded (its surveys
count through amhe.surveys.progress)."""

from amhe.core.progress import work_in


@work_in("1A")
def uploads(project):
    return project.extracts.all()


@work_in("1B")
def focus_groups(project):
    return project.focus_groups.all()


@work_in("1B")
def community_inputs(project):
    return project.community_inputs.all()
