"""4B demo data (Leeds only): feedback forms for people who use services and for
staff, a few answers sent and coded with the project's themes (the ones 1B's demo
codes with), and "you said, we did" entries, two published and one draft. Made
through the services, as respondents and leads would."""

from __future__ import annotations

from amhe.core import services as core_services
from amhe.core.models import Role
from amhe.surveys import figures as survey_figures
from amhe.surveys import responding, themes
from amhe.surveys.models import Answer, Theme
from evaluate.feedback import services
from evaluate.models import Audience, FeedbackForm

# (what has gone well, what could be better, treated with respect (option value), language, themes)
FEEDBACK = [
    ("The Urdu-speaking support worker.", "Letters only came in English.", "o1", "ur", ["Language and interpreting"]),
    ("The crisis café in Chapeltown.", "I waited three weeks for a call back.", "o2", "en-gb", ["Waiting times"]),
    (
        "My care coordinator listened.",
        "Nobody asked what language I wanted.",
        "o2",
        "pl",
        ["Language and interpreting"],
    ),
    ("Being seen at home.", "The wait for a first appointment was long.", "o1", "en-gb", ["Waiting times"]),
    ("Staff who knew my culture.", "The police came when I called for help.", "o3", "en-gb", ["Police involvement"]),
    ("The peer support group.", "Hard to find out where to go at night.", "o2", "en-gb", ["Knowing where to go"]),
]
STAFF = [
    ("4", ["o1", "o2"], "More time with interpreters booked."),
    ("3", ["o3"], "Training on the Mental Health Act."),
]

ENTRIES = [
    (
        "People told us letters and leaflets came only in English, and that they were not asked which language "
        "they wanted.",
        "Every first appointment letter now asks which language you want, and our leaflets are in Urdu and Polish.",
        ["Language and interpreting"],
        True,
    ),
    (
        "People told us they waited too long for a call back after asking for help.",
        "The crisis team now calls back within four hours, and the crisis café in Chapeltown is open every evening.",
        ["Waiting times"],
        True,
    ),
    (
        "People told us the police came when they called for mental health help.",
        "We are working with West Yorkshire Police on a joint response; we will say more in the spring.",
        ["Police involvement"],
        False,
    ),
]


def _send(survey, values: dict, language: str):
    questions = responding.questions_of(survey)
    response = responding.start(link=responding.Link(survey, None), language=language, easy_read=False, consented=True)
    responding.save_page(response=response, questions=questions, values=values)
    responding.submit(response=response, questions=questions)
    return response, questions


def load(*, project, users, stdout):
    if FeedbackForm.objects.filter(project=project).exists():
        return  # loaded already: load_demo runs every loader each time
    lead = users[Role.LEAD]
    public = services.feedback_form_create(by=lead, project=project, audience=Audience.SERVICE_USERS).survey
    staff = services.feedback_form_create(by=lead, project=project, audience=Audience.STAFF).survey
    for good, better, respect, language, names in FEEDBACK:
        questions = [q for q in responding.questions_of(public) if not q.equality_key]
        response, _ = _send(
            public, {questions[0].pk: good, questions[1].pk: better, questions[2].pk: respect}, language
        )
        answer = Answer.objects.get(response=response, question=questions[1])
        themes.themes_set(by=lead, project=project, target=answer, names=names)
    for rating, training, text in STAFF:
        questions = [q for q in responding.questions_of(staff) if not q.equality_key]
        _send(staff, {questions[0].pk: rating, questions[1].pk: training, questions[2].pk: text}, "en-gb")
    for survey in (public, staff):
        figures = survey_figures.figures_for(survey)
        if figures is not None and figures.job_id:
            core_services.job_run(job_id=figures.job_id)
    by_name = {theme.name: theme for theme in Theme.objects.filter(project=project)}
    for you_said, we_did, names, publish in ENTRIES:
        entry = services.ysd_create(
            by=lead,
            project=project,
            you_said=you_said,
            we_did=we_did,
            themes=[by_name[n] for n in names if n in by_name],
        )
        if publish:
            services.ysd_publish(by=lead, entry=entry)
    stdout.write(
        f"  {project.name}: 2 feedback forms, {len(FEEDBACK) + len(STAFF)} answers and "
        f"{len(ENTRIES)} 'you said, we did' entries for 4B"
    )
