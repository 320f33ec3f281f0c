"""The surveys' section of the project home page (amhe.core.homepage): the surveys
of any step this member can answer from inside the app."""

from django.template.loader import render_to_string

from amhe.core.homepage import home_section
from amhe.surveys import participation


@home_section
def surveys_to_answer(request, project, membership) -> str:
    to_answer = participation.surveys_to_answer(request.user, project)
    if not to_answer:
        return ""
    return render_to_string(
        "surveys/builder/_to_answer.html", {"to_answer": to_answer, "project": project}, request=request
    )
