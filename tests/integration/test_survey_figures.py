"""Survey results are worked out once by the `surveys.figures` job and stored
(amhe/surveys/figures.py): the pages and downloads read the stored rows, in a
fixed number of queries and with no pandas work; the job is debounced and
idempotent; the pages say how fresh the figures are; and the stored figures
are exactly what amhe.surveys.results works out."""

from __future__ import annotations

import dataclasses
import io

import pandas
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from amhe.core import services as core_services
from amhe.core.models import Job, Organisation, Role
from amhe.core.selectors import suppression_rule_for
from amhe.surveys import export, responding
from amhe.surveys import figures as survey_figures
from amhe.surveys import results as survey_results
from amhe.surveys.models import Survey, SurveyFigures
from tests.factories import QuestionFactory, SurveyFactory, work_out_figures
from tests.integration.test_survey_results_views import equality_question, respond, url, world  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = ("survey-results", "survey-themes", "survey-results-csv", "survey-results-xlsx")


def published(survey) -> Survey:
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.PUBLISHED)
    survey.refresh_from_db()
    return survey


def enter(survey, by, answers: dict) -> None:
    """A paper response typed in by staff, through the service (it asks for the figures)."""
    responding.staff_enter(
        by=by, survey=survey, channel="paper", language="en-gb", values={q.pk: v for q, v in answers.items()}
    )


def figures_jobs(survey):
    return Job.objects.filter(kind=survey_figures.KIND, params__survey_id=str(survey.pk))


def page_urls(world):  # noqa: F811
    return [url(name, world) for name in PAGES] + [
        url("survey-question-results", world, question_id=world.often.pk),
        url("survey-question-results", world, question_id=world.likert.pk) + "?by=ethnicity",
    ]


# --------------------------------------------------------------------------- pages read stored rows


def small_survey(project, n: int) -> Survey:
    """A survey like the world's, with `n` responses: for counting queries."""
    survey = SurveyFactory(project=project, include_equality=True)
    often = QuestionFactory(survey=survey, position=1)
    text = QuestionFactory(survey=survey, position=2, kind="long_text", options=[])
    group = equality_question(survey, "ethnic_group", 10)
    for i in range(n):
        respond(survey, {often: "yes" if i % 3 else "no", text: "Something", group: "WHITE" if i % 2 else "ASIAN"})
    work_out_figures(survey)
    return survey


def test_results_pages_make_the_same_few_queries_whatever_the_number_of_responses(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    counts = []
    for n in (3, 60):
        survey = small_survey(project, n)
        question = survey.questions.filter(equality_key="").first()
        urls = [survey_results_url(name, survey) for name in PAGES]
        urls.append(survey_results_url("survey-question-results", survey, question_id=question.pk))
        per_page = []
        for address in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code == 200, address
            per_page.append(len(queries))
        counts.append(per_page)
    assert counts[0] == counts[1]
    # Session, user, project and membership, survey, stored figures, questions: a handful, not one per response.
    assert max(counts[0]) <= 10, counts


def survey_results_url(name, survey, **extra):
    from amhe.surveys.selectors import survey_url

    return survey_url(name, survey, **extra)


def test_no_pandas_work_on_a_page_view(client, world, monkeypatch):  # noqa: F811
    def refuse(*args, **kwargs):
        raise AssertionError("pandas work on a page view")

    # No table or column is made anywhere (pandas' own constructors included).
    monkeypatch.setattr(pandas.DataFrame, "__init__", refuse)
    monkeypatch.setattr(pandas.Series, "__init__", refuse)
    monkeypatch.setattr(survey_results, "build_frame", refuse)
    monkeypatch.setattr(survey_figures, "compute", refuse)
    monkeypatch.setattr(survey_results, "breakdown", refuse)
    client.force_login(world.viewer)
    for address in page_urls(world):
        response = client.get(address)
        assert response.status_code == 200, address
    html = client.get(url("survey-question-results", world, question_id=world.often.pk)).content.decode()
    assert "People who chose “Often”, by ethnic group" in html  # the chart, drawn from the stored rows


# --------------------------------------------------------------------------- the job


def test_running_the_job_again_changes_nothing(world):  # noqa: F811
    stored = SurveyFigures.objects.get(survey=world.survey)
    before = (stored.computed, stored.computed_at, stored.figures, stored.inputs_hash)
    # The same job again: finished jobs are not run twice.
    core_services.job_run(job_id=stored.job_id)
    # A new job with nothing changed since: it finds the figures current and stores nothing.
    job = core_services.job_enqueue(
        by=None, project=world.project, kind=survey_figures.KIND, params={"survey_id": str(world.survey.pk)}
    )
    core_services.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result["already"] == "current"
    stored.refresh_from_db()
    assert (stored.computed, stored.computed_at, stored.figures, stored.inputs_hash) == before


def test_a_refresh_with_the_same_answers_keeps_the_figures(world):  # noqa: F811
    stored = SurveyFigures.objects.get(survey=world.survey)
    figures, inputs = stored.figures, stored.inputs_hash
    work_out_figures(world.survey)  # asked again (say the survey closed), nothing in the answers changed
    stored.refresh_from_db()
    assert stored.computed == stored.requested
    assert stored.figures == figures and stored.inputs_hash == inputs
    assert figures_jobs(world.survey).order_by("created_at").last().result["recomputed"] is False


def test_several_submissions_in_one_transaction_queue_one_job(world, django_capture_on_commit_callbacks):  # noqa: F811
    survey = published(world.survey)
    jobs_before = figures_jobs(survey).count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            for _ in range(3):
                enter(survey, world.analyst, {world.often: "often", world.group: "WHITE"})
    assert figures_jobs(survey).count() == jobs_before + 1
    assert len(callbacks) == 1  # one message to the worker, sent once the answers are committed
    stored = SurveyFigures.objects.get(survey=survey)
    assert stored.requested == stored.computed + 3
    # More answers while it waits: still the one job, which reads them all when it starts.
    enter(survey, world.analyst, {world.often: "never", world.group: "ASIAN"})
    assert figures_jobs(survey).count() == jobs_before + 1
    core_services.job_run(job_id=stored.job_id)
    stored.refresh_from_db()
    assert stored.computed == stored.requested and stored.responses_counted == 57 + 4


def test_answers_sent_while_the_job_runs_queue_one_more(world):  # noqa: F811
    survey = published(world.survey)
    enter(survey, world.analyst, {world.often: "often"})
    stored = SurveyFigures.objects.get(survey=survey)
    first = stored.job
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING)  # a worker has started it
    enter(survey, world.analyst, {world.often: "often"})
    enter(survey, world.analyst, {world.often: "often"})
    assert figures_jobs(survey).filter(state=Job.State.QUEUED).count() == 1
    stored.refresh_from_db()
    assert stored.job_id != first.pk


def test_theme_coding_and_closing_ask_for_new_figures(world):  # noqa: F811
    from amhe.surveys import building, themes
    from amhe.surveys.models import Answer

    survey = published(world.survey)
    stored = SurveyFigures.objects.get(survey=survey)
    answer = Answer.objects.filter(question=world.text).first()
    themes.themes_set(by=world.lead, project=world.project, target=answer, names=["Kindness"])
    building.survey_close(by=world.lead, survey=survey)
    stored.refresh_from_db()
    assert stored.requested == stored.computed + 2
    core_services.job_run(job_id=stored.job_id)
    stored.refresh_from_db()
    rows = {summary["question_id"]: summary for summary in stored.figures["summaries"]}
    assert "Kindness" in [row["label"] for row in rows[world.text.pk]["themes"]]


def test_moving_a_question_asks_for_new_figures_once_there_are_some(world):  # noqa: F811
    from amhe.surveys import building

    stored = SurveyFigures.objects.get(survey=world.survey)
    assert [row["question_id"] for row in stored.figures["summaries"]][:2] == [world.often.pk, world.likert.pk]
    building.question_move(by=world.lead, question=world.likert, direction="up")
    stored.refresh_from_db()
    assert stored.requested == stored.computed + 1
    core_services.job_run(job_id=stored.job_id)
    stored.refresh_from_db()
    summaries = stored.figures["summaries"]
    assert [(row["question_id"], row["number"]) for row in summaries][:2] == [(world.likert.pk, 1), (world.often.pk, 2)]
    # A survey with no figures yet (a draft being built) queues nothing.
    draft = SurveyFactory(project=world.project)
    first, second = QuestionFactory(survey=draft, position=1), QuestionFactory(survey=draft, position=2)
    building.question_move(by=world.lead, question=second, direction="up")
    assert not SurveyFigures.objects.filter(survey=draft).exists() and not figures_jobs(draft).exists()
    assert first.pk


# --------------------------------------------------------------------------- how fresh


def test_pages_say_how_fresh_the_figures_are(client, world):  # noqa: F811
    survey = published(world.survey)
    client.force_login(world.viewer)
    html = client.get(url("survey-results", world)).content.decode()
    assert "Figures as of " in html and "from 57 submitted responses." in html
    assert "will be included shortly" not in html

    enter(survey, world.analyst, {world.often: "often", world.group: "WHITE"})
    enter(survey, world.analyst, {world.often: "often", world.group: "WHITE"})
    for address in page_urls(world):
        response = client.get(address)
        if address.endswith((".csv", "csv/")) or "csv" in address or "xlsx" in address:
            continue
        html = response.content.decode()
        assert "from 57 submitted responses. 2 newer responses will be included shortly" in html, address
        assert "Suppressed" in html or "Themes by group" in html  # the last figures are still shown
    download = client.get(url("survey-results-csv", world))
    csv_text = (b"".join(download.streaming_content) if download.streaming else download.content).decode()
    assert "2 newer responses will be included shortly" in csv_text.splitlines()[0]
    # Still one job on its way, however many times the pages are opened.
    assert figures_jobs(survey).filter(state=Job.State.QUEUED).count() == 1


def test_before_any_figures_the_page_says_they_are_being_worked_out(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    survey = SurveyFactory(project=project)
    question = QuestionFactory(survey=survey)
    respond(survey, {question: "yes"})
    client.force_login(viewer)
    html = client.get(survey_results_url("survey-results", survey)).content.decode()
    assert "Results are being worked out; refresh this page in a moment." in html
    assert "Answers to question 1" not in html
    jobs = figures_jobs(survey)
    assert [job.state for job in jobs] == [Job.State.QUEUED]  # the page asked for them
    client.get(survey_results_url("survey-question-results", survey, question_id=question.pk))
    assert figures_jobs(survey).count() == 1  # and asks only once
    core_services.job_run(job_id=jobs.get().pk)
    html = client.get(survey_results_url("survey-results", survey)).content.decode()
    assert "Results are being worked out" not in html and "Figures as of " in html


def test_a_new_suppression_rule_shows_the_old_figures_until_the_job_has_run(client, world):  # noqa: F811
    Organisation.objects.filter(pk=world.project.organisation_id).update(suppression_rule="nhs_lt10")
    client.force_login(world.viewer)
    html = client.get(url("survey-results", world)).content.decode()
    assert "They are being worked out again" in html
    stored = SurveyFigures.objects.get(survey=world.survey)
    assert stored.job.state == Job.State.QUEUED and stored.suppression_rule == "nhs"
    core_services.job_run(job_id=stored.job_id)
    stored.refresh_from_db()
    assert stored.suppression_rule == "nhs_lt10"
    assert "They are being worked out again" not in client.get(url("survey-results", world)).content.decode()


# --------------------------------------------------------------------------- the same figures as before


def assert_stored_match_computed(survey):
    """Every figure a results page or download shows, stored vs worked out by results.py now."""
    rule = suppression_rule_for(survey.project)
    stored = survey_figures.stored(survey, rule)
    assert stored.current
    frame = survey_results.build_frame(survey)
    plain = survey_figures.plain

    assert dataclasses.asdict(stored.overview()) == plain(dataclasses.asdict(survey_results.overview(frame, rule)))
    computed = survey_results.summarise(frame, rule)
    kept = stored.summaries(frame.own_questions)
    assert len(kept) == len(computed) == len(frame.own_questions)
    for a, b in zip(kept, computed, strict=True):
        assert a.question == b.question
        assert [dataclasses.asdict(r) for r in a.options] == plain([dataclasses.asdict(r) for r in b.options])
        assert [dataclasses.asdict(r) for r in a.themes] == plain([dataclasses.asdict(r) for r in b.themes])
        assert [list(f) for f in a.facts] == plain(b.facts)
        assert (a.asked, a.answered, a.notes, a.number, a.has_breakdown) == (
            b.asked,
            b.answered,
            b.notes,
            b.number,
            b.has_breakdown,
        )
        assert (a.chart is None) == (b.chart is None)
        if a.chart is not None:
            assert plain(dataclasses.asdict(a.chart)) == plain(dataclasses.asdict(b.chart))
    assert [[s["label"], s["rows"]] for s in stored.who()] == plain(
        [(s["label"], s["rows"]) for s in survey_results.who_answered(frame, rule)]
    )
    compared = 0
    for question in frame.own_questions:
        if question.kind not in survey_results.breakdown_kinds():
            continue
        for key in survey_results.available_dimensions(frame):
            for option in [None, *[o["value"] for o in survey_results.options_of(question)]]:
                a = stored.breakdown(question, key, rule, option=option)
                b = survey_results.question_breakdown(frame, question, key, rule, option=option)
                assert (a.columns, a.option, a.any_suppressed, a.measure) == (
                    b.columns,
                    b.option,
                    b.any_suppressed,
                    b.measure,
                )
                assert [dataclasses.asdict(r) for r in a.rows] == [dataclasses.asdict(r) for r in b.rows]
                assert a.series == plain(b.series)
                assert plain(dataclasses.asdict(a.chart)) == plain(dataclasses.asdict(b.chart))
                compared += 1
    for key in survey_results.available_dimensions(frame):
        a, b = stored.themes_table(key), survey_results.themes_by_group(frame, key, rule)
        assert [a.groups, [list(r) for r in a.rows], a.any_suppressed] == plain((b.groups, b.rows, b.any_suppressed))
        assert (a.chart is None) == (b.chart is None)
    assert export.csv_text(stored.sheets()) == export.csv_text(export.results_sheets(frame, rule))
    assert export.xlsx_bytes(stored.sheets()) and io.BytesIO(export.xlsx_bytes(stored.sheets()))
    return compared


def test_stored_figures_are_what_the_results_module_works_out(world):  # noqa: F811
    assert assert_stored_match_computed(world.survey) > 0
    Organisation.objects.filter(pk=world.project.organisation_id).update(suppression_rule="nhs_lt10")
    work_out_figures(world.survey)
    assert assert_stored_match_computed(Survey.objects.get(pk=world.survey.pk)) > 0


def test_the_demo_surveys_stored_figures_are_what_the_results_module_works_out(project, member_of):
    from identify import demo_communities

    users = {Role.LEAD: member_of(project, Role.LEAD), Role.ANALYST: member_of(project, Role.ANALYST)}
    demo_communities.load(project=project, users=users, stdout=io.StringIO())
    survey = Survey.objects.get(project=project, title=demo_communities.SURVEY_TITLE)
    assert assert_stored_match_computed(survey) > 10
