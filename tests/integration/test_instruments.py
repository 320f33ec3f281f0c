"""4A PREMs and PROMs end to end: a PHQ-9 added to a survey through the survey
engine, answered, scored per response from the answers (with our missing-items
rule), its results stored with the survey's figures and broken down by the
respondents' own equality answers with suppression; a team's own instrument;
and the scores feeding a measure series."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from amhe.core.models import Job, MeasureValue, Role
from amhe.surveys import building
from amhe.surveys.models import Question, Survey, SurveyFigures
from deliver.measures import services as measure_services
from evaluate.instruments import figures as instrument_figures
from evaluate.instruments import scoring, services
from evaluate.instruments.catalogue import PHQ9
from evaluate.models import Instrument, SurveyInstrument
from tests.factories import work_out_figures
from tests.integration.test_survey_results_views import respond

pytestmark = pytest.mark.django_db

SEVERAL, HALF, NEARLY = 1, 2, 3  # option indices of the PHQ-9 answers
MEAN = (22 * 9 + 20 * 18 + 12 * 13 + 4 * 27) / 58  # of the 58 responses with a score


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


@pytest.fixture
def survey(project, lead):
    return building.survey_create(
        by=lead,
        project=project,
        substep="4A",
        title="How are you now?",
        privacy_notice="Anonymous; kept for a year.",
        include_equality=True,
    )


def answer(use: SurveyInstrument, indices: list[int | None]) -> dict:
    """The answers (question -> option value) giving these option indices (None: unanswered)."""
    out = {}
    for question_id, index in zip(use.questions, indices, strict=True):
        if index is None:
            continue
        value = next(v for v, i in use.scores[str(question_id)].items() if i == index)
        out[Question.objects.get(pk=question_id)] = value
    return out


def test_adding_the_phq9_makes_its_questions_in_the_survey(survey, lead):
    use = services.add_to_survey(by=lead, survey=survey, key="phq-9")
    own = list(building.own_questions(survey))
    assert [q.pk for q in own] == use.questions
    assert [q.text for q in own] == PHQ9["items"]
    assert all(q.kind == "single" and q.hint == PHQ9["stem"] and not q.required for q in own)
    assert [o["label"] for o in own[0].options] == [o["label"] for o in PHQ9["options"]]
    # The equality section still follows the survey's own questions.
    assert building.ordered_questions(survey)[9].equality_key
    with pytest.raises(ValidationError, match="already in this survey"):
        services.add_to_survey(by=lead, survey=survey, key="phq-9")


def test_an_instrument_is_only_added_to_a_draft_survey(survey, lead):
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.PUBLISHED)
    with pytest.raises(ValidationError, match="draft survey"):
        services.add_to_survey(by=lead, survey=survey, key="gad-7")
    assert not SurveyInstrument.objects.exists() and not building.own_questions(survey).exists()


def test_another_organisations_instrument_cannot_be_added(survey, lead, other_org_user):
    other = Instrument.objects.create(
        organisation=other_org_user.organisation, name="Theirs", source="x", definition={}, created_by=other_org_user
    )
    with pytest.raises(ValidationError, match="no such instrument"):
        services.add_to_survey(by=lead, survey=survey, key=other.key)


@pytest.fixture
def answered(survey, lead):
    """A PHQ-9 answered by 22 White, 20 Asian, 12 Mixed and 3 Black respondents, scored 9, 18,
    13 and 27; one more White respondent leaves one item (prorated) and another two (no score)."""
    use = services.add_to_survey(by=lead, survey=survey, key="phq-9")
    group = survey.questions.get(equality_key="ethnic_group")
    plan = [(22, "WHITE", [SEVERAL] * 9), (20, "ASIAN", [HALF] * 9), (3, "BLACK", [NEARLY] * 9)]
    plan += [(12, "MIXED", [HALF] * 5 + [SEVERAL] * 3 + [0])]
    plan += [(1, "WHITE", [NEARLY] * 8 + [None]), (1, "WHITE", [NEARLY] * 7 + [None, None])]
    for n, code, indices in plan:
        for _ in range(n):
            respond(survey, {**answer(use, indices), group: code})
    work_out_figures(survey)
    return use


def stored(use):
    figures = SurveyFigures.objects.get(survey_id=use.survey_id).figures
    return figures["extra"][instrument_figures.KEY]["uses"][str(use.pk)]


def test_each_response_is_scored_and_the_results_by_group_are_suppressed(answered):
    from amhe.surveys import results

    scores = instrument_figures.responses_scores(results.build_frame(answered.survey), answered)
    values = sorted(s.value for s in scores if s.scored)
    # 22 x 9, 20 x 18, 12 x 13, 3 x 27, and the prorated 8 items of 3: 24 / 8 x 9 = 27; one with no score.
    assert values == sorted([9.0] * 22 + [18.0] * 20 + [13.0] * 12 + [27.0] * 4)
    assert sum(1 for s in scores if not s.scored) == 1
    # Stored with the survey's figures: overall, by band and by group, suppressed.
    data = stored(answered)
    expected_mean = MEAN
    assert data["overall"]["value"] == pytest.approx(expected_mean)
    bands = {row["label"]: row for row in data["options"]}
    assert bands["Mild"]["count"] == 20  # 22, rounded to 5 (NHS rule)
    assert bands["Severe"]["suppressed"]  # 4 respondents
    rows = {row["label"]: row for row in data["by"]["ethnicity_high"]["rows"]}
    black = next(row for label, row in rows.items() if label.startswith("Black"))
    asian = next(row for label, row in rows.items() if label.startswith("Asian"))
    assert black["cells"][0]["suppressed"] and black["answered"] == "*"
    # The next smallest group is hidden too, so the Black group's mean cannot be worked out from the total.
    mixed = next(row for label, row in rows.items() if label.startswith("Mixed"))
    assert mixed["cells"][0]["suppressed"]
    assert asian["cells"][0]["text"].startswith("18.0")
    series = {p["group"]: p for p in data["by"]["ethnicity_high"]["series"]}
    assert all(p["value"] is None for g, p in series.items() if g.startswith("Black"))


def test_results_page_shows_the_scores_by_group_and_never_a_hidden_one(client, answered, lead):
    client.force_login(lead)
    url = reverse("evaluate:instrument-use", kwargs={"project_id": answered.survey.project_id, "use_id": answered.pk})
    page = client.get(url + "?by=ethnicity_high")
    assert page.status_code == 200
    text = page.content.decode()
    assert "18.0" in text and "Mean score" in text
    assert "27.0" not in text and "13.0" not in text  # the hidden Black and Mixed groups' means
    sentence = page.context["by_sentence"]
    assert "highest for Asian" in sentence and "Black" not in sentence.split(".")[0]
    assert "not shown because of small numbers" in sentence
    # Answered, so the instrument cannot be taken out of the survey.
    remove = reverse(
        "evaluate:instrument-use-remove", kwargs={"project_id": answered.survey.project_id, "use_id": answered.pk}
    )
    response = client.post(remove)
    assert response.status_code == 400 and "People have answered" in response.content.decode()
    assert SurveyInstrument.objects.filter(pk=answered.pk).exists()


def test_fft_share_by_group(survey, lead):
    use = services.add_to_survey(by=lead, survey=survey, key="fft")
    group = survey.questions.get(equality_key="ethnic_group")
    for n, code, index in [(15, "WHITE", 0), (10, "WHITE", 3), (10, "ASIAN", 1), (5, "ASIAN", 5)]:
        for _ in range(n):
            respond(survey, {**answer(use, [index]), group: code})
    work_out_figures(survey)
    data = stored(use)
    # 25 positive of 35 with a scored answer ("Don't know" left out), from the published counts 25 and 35.
    assert data["overall"]["value"] == pytest.approx(100 * 25 / 35)
    asian = next(r for r in data["by"]["ethnicity_high"]["series"] if r["group"].startswith("Asian"))
    assert asian["value"] == pytest.approx(100.0)  # 10 of 10: the 5 "Don't know" are left out


def test_scores_feed_a_measure_series_when_the_survey_closes(answered, lead, django_capture_on_commit_callbacks):
    survey = answered.survey
    project = survey.project
    measure = services.measure_from_instrument(by=lead, project=project, key="phq-9")
    assert measure.unit == "score" and measure.direction == "lower"
    assert measure_services.values_from_series(measure_id=measure.pk) == {"values": 0, "problems": []}
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.PUBLISHED)
    survey.refresh_from_db()
    building.survey_close(by=lead, survey=survey)
    with django_capture_on_commit_callbacks(execute=True):
        work_out_figures(survey)  # the job sends figures_stored; Evaluate queues the measure's values
    queued = Job.objects.filter(kind=measure_services.VALUES_FROM_SERIES, params={"measure_id": measure.pk})
    assert queued.count() == 2  # once when defined, once when the closed survey's figures were stored
    measure_services.values_from_series(measure_id=measure.pk)
    value = MeasureValue.objects.get(measure=measure)
    assert float(value.value) == pytest.approx(MEAN, abs=1e-4)
    assert value.lower < value.value < value.upper
    measure_services.values_from_series(measure_id=measure.pk)  # idempotent
    assert MeasureValue.objects.filter(measure=measure).count() == 1
    with pytest.raises(ValidationError, match="already measures"):
        services.measure_from_instrument(by=lead, project=project, key="phq-9")


def test_an_instrument_measure_shows_on_the_measure_pages(client, project, lead):
    measure = services.measure_from_instrument(by=lead, project=project, key="fft")
    assert measure.unit == "percent" and measure.direction == "higher"
    client.force_login(lead)
    for name in ("evaluate:measure", "deliver:measure"):
        page = client.get(reverse(name, kwargs={"project_id": project.pk, "measure_id": measure.pk}))
        assert page.status_code == 200 and "Friends and Family Test" in page.content.decode()
    detail = client.get(reverse("evaluate:instrument", kwargs={"project_id": project.pk, "instrument": "fft"}))
    assert measure.name in detail.content.decode()


def test_a_team_defines_its_own_instrument_and_adds_it(client, project, lead, survey):
    client.force_login(lead)
    url = reverse("evaluate:instrument-new", kwargs={"project_id": project.pk})
    post = {
        "name": "Feeling listened to",
        "kind": "PREM",
        "source": "Written by our team",
        "items": "Staff listened to me\nI felt rushed",
        "answers": "Never = 1\nSometimes = 2\nAlways = 3\nNot sure =",
        "method": "sum",
        "reverse": "2",
        "max_missing": "0",
        "bands": "2-3 Poor\n4-5 Fair\n6-6 Good",
        "higher_is_better": "yes",
    }
    bad = client.post(url, {**post, "bands": "2-3 Poor\n5-6 Good"})
    assert bad.status_code == 200 and "no gap or overlap" in bad.content.decode()
    assert not Instrument.objects.exists()
    response = client.post(url, post)
    instrument = Instrument.objects.get()
    assert response.status_code == 302
    assert instrument.definition["reverse"] == [1] and instrument.definition["options"][3]["score"] is None
    assert scoring.score(instrument.definition, [2, 0]).value == 6  # Always, and Never reversed to 3
    detail = reverse("evaluate:instrument", kwargs={"project_id": project.pk, "instrument": instrument.key})
    added = client.post(detail, {"survey": str(survey.pk)})
    assert added.status_code == 302
    use = SurveyInstrument.objects.get(survey=survey)
    assert use.instrument == instrument and len(use.questions) == 2


def test_taking_an_instrument_out_while_unanswered(client, project, lead, survey):
    use = services.add_to_survey(by=lead, survey=survey, key="gad-7")
    client.force_login(lead)
    url = reverse("evaluate:instrument-use-remove", kwargs={"project_id": project.pk, "use_id": use.pk})
    assert client.post(url).status_code == 302
    assert not SurveyInstrument.objects.exists() and not building.own_questions(survey).exists()
