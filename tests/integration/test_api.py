"""The read-only API (/api/v1/, issue 14 item 5): bearer tokens only, one project
per token, the member's role, JSON and CSV, published figures only, every read logged.

The API's URLs are found by walking the URL resolver (as test_access does for the
pages), so an endpoint added later is checked without anyone remembering to add it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from amhe.core import cycle
from amhe.core.models import AuditEvent, Membership, Role, SubStepStatus
from amhe.surveys.models import SurveyParticipation
from api import services
from api.models import ApiToken
from tests.factories import (
    AnswerFactory,
    AssessmentFactory,
    BreakdownFactory,
    ExtractFactory,
    MeasureFactory,
    MeasureValueFactory,
    ProjectFactory,
    QuestionFactory,
    SmartGoalFactory,
    SurveyFactory,
    SurveyResponseFactory,
    national_framework,
    work_out_figures,
)
from tests.integration.test_access import all_routes
from tests.integration.test_exports_safe import HOSTILE, runnable

pytestmark = pytest.mark.django_db

# True counts of the upload's breakdown: 6 and 52 are hidden under the NHS rule
# (52 by secondary suppression), 1234 is published rounded (1235).
TRUE_COUNTS = {"White": 1234, "Black": 6, "Asian": 310, "Mixed": 52}


def breakdown_result(groups: dict[str, int], *, label="Ethnic group") -> dict:
    return {
        "dimension": "ethnicity_high",
        "label": label,
        "dimensions": ["ethnicity_high"],
        "reference": None,
        "summary": {},
        "rows": [
            {
                "dimension": "ethnicity_high",
                "group": group,
                "group_code": group.upper(),
                "kind": "valid",
                "count": count,
                "share": None,
                "share_lower": None,
                "share_upper": None,
                "suppressed": False,
            }
            for group, count in groups.items()
        ],
    }


class Data:
    """A project with one of everything the API serves, its data uploaded by `analyst`."""

    def __init__(self, project, member_of, *, hostile=False):
        self.project = project
        self.lead = member_of(project, Role.LEAD)
        self.analyst = member_of(project, Role.ANALYST)
        text = (lambda i: HOSTILE[i % len(HOSTILE)]) if hostile else (lambda i: f"Text {i}")
        measure = MeasureFactory(project=project, name=text(0))
        for month in range(1, 13):
            MeasureValueFactory(
                measure=measure,
                period_start=date(2024, month, 1),
                period_end=date(2024, month, 28),
                value=Decimal(100 + (month * 7) % 11),
            )
        self.hidden_value = MeasureValueFactory(
            measure=measure,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 1, 31),
            value=Decimal("4242.5"),
            suppressed=True,
        )
        self.goal = SmartGoalFactory(project=project, owner=self.lead, measure=measure, statement=text(1))
        self.extract = ExtractFactory(project=project, uploaded_by=self.analyst, title=text(2))
        groups = {text(3 + i) if hostile else g: c for i, (g, c) in enumerate(TRUE_COUNTS.items())}
        BreakdownFactory(extract=self.extract, result=breakdown_result(groups, label=text(7)), published={})
        self.survey = SurveyFactory(project=project, created_by=self.lead, state="published", title=text(8))
        options = [
            {"value": "yes", "label": text(9)},
            {"value": "no", "label": text(10)},
            {"value": "maybe", "label": text(12)},
        ]
        self.question = QuestionFactory(survey=self.survey, position=1, text=text(11), options=options)
        for n in range(48):  # 30 yes, 15 maybe, 3 no
            response = SurveyResponseFactory(survey=self.survey, state="submitted")
            value = "no" if n < 3 else "maybe" if n < 18 else "yes"
            AnswerFactory(response=response, question=self.question, value=value)
        work_out_figures(self.survey)
        # An EDS 2022 self-assessment with its first three outcomes rated, and a PCREF one (no bands).
        self.assessment = AssessmentFactory(project=project, period="2025/26", summary=text(13))
        first_three = self.assessment.ratings.order_by("item__section__position", "item__position")[:3]
        for value, rating in zip((0, 2, 3), first_three, strict=True):
            rating.rating = value
            rating.save(update_fields=["rating"])
        AssessmentFactory(project=project, period="2025/26", framework=national_framework("pcref"))

    def values(self) -> dict:
        return {"project_id": self.project.pk, "extract_id": self.extract.pk, "survey_id": self.survey.pk}


@pytest.fixture
def data(project, member_of):
    return Data(project, member_of)


def token_for(user, project, **kwargs) -> str:
    membership = Membership.objects.get(user=user, project=project)
    return services.create_token(by=user, membership=membership, name="Power BI", **kwargs)[1]


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def api_routes():
    routes = [r for r in all_routes() if r.namespace == "api-v1"]
    assert {r.name for r in routes} >= {
        "api-v1:schema",
        "api-v1:projects",
        "api-v1:project",
        "api-v1:progress",
        "api-v1:goals",
        "api-v1:spc",
        "api-v1:self-assessments",
        "api-v1:uploads",
        "api-v1:upload-breakdowns",
        "api-v1:surveys",
        "api-v1:survey-results",
    }
    return routes


def api_urls(values: dict, *, schema=False) -> list[str]:
    return [
        reverse(r.name, kwargs={k: values[k] for k in r.kwargs})
        for r in api_routes()
        if schema or r.name != "api-v1:schema"
    ]


def data_urls(values: dict) -> list[str]:
    """Every URL that names a project."""
    return [reverse(r.name, kwargs={k: values[k] for k in r.kwargs}) for r in api_routes() if "project_id" in r.kwargs]


# --- Authentication: a live bearer token, nothing else ------------------------------


def assert_401(response):
    assert response.status_code == 401, (response.request["PATH_INFO"], response.status_code)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_gets_401_everywhere(client, data):
    before = AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).count()
    for url in api_urls(data.values(), schema=True):
        assert_401(client.get(url))
        assert_401(client.post(url, {"x": 1}))
        if url != reverse("api-v1:schema"):  # the schema is YAML or JSON; an unknown format is 404
            assert_401(client.get(url + "?format=csv"))
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_READ).count() == before


def test_a_session_opens_no_api_url(client, data):
    """A signed-in browser is not a token: the API does not accept the session (no CSRF question)."""
    client.force_login(data.lead)
    for url in api_urls(data.values(), schema=True):
        assert_401(client.get(url))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer amhe_not-a-real-token",
        "Bearer",
        "Bearer two parts",
        "Token {secret}",
        "Basic {secret}",
        "Bearer {secret}x",
    ],
)
def test_bad_tokens_get_401(client, data, header):
    secret = token_for(data.lead, data.project)
    for url in api_urls(data.values()):
        assert_401(client.get(url, HTTP_AUTHORIZATION=header.format(secret=secret)))


def test_expired_revoked_and_departed_tokens_get_401(client, data):
    url = reverse("api-v1:goals", kwargs={"project_id": data.project.pk})
    secret = token_for(data.lead, data.project, days=1)
    assert client.get(url, **bearer(secret)).status_code == 200
    token = ApiToken.objects.get(token_hash=hashlib.sha256(secret.encode()).hexdigest())
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(client.get(url, **bearer(secret)))

    secret = token_for(data.lead, data.project)
    token = ApiToken.objects.get(token_hash=hashlib.sha256(secret.encode()).hexdigest())
    services.revoke_token(by=data.lead, token=token)
    assert_401(client.get(url, **bearer(secret)))

    secret = token_for(data.analyst, data.project)
    assert client.get(url, **bearer(secret)).status_code == 200
    Membership.objects.filter(user=data.analyst, project=data.project).delete()  # left the project
    assert_401(client.get(url, **bearer(secret)))


def test_tokens_are_stored_hashed_and_last_use_is_kept(client, data):
    secret = token_for(data.lead, data.project)
    token = ApiToken.objects.get(user=data.lead)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < 16
    for field in ApiToken._meta.concrete_fields:
        assert secret not in str(getattr(token, field.attname)), field.name
    assert token.last_used_at is None
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 90
    client.get(reverse("api-v1:projects"), **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_lasts_a_year_at_most(data):
    membership = Membership.objects.get(user=data.lead, project=data.project)
    with pytest.raises(Exception, match="365"):
        services.create_token(by=data.lead, membership=membership, name="Long", days=366)
    assert services.create_token(by=data.lead, membership=membership, name="Year", days=365)[0].pk


# --- One project per token --------------------------------------------------------


def test_a_token_reads_nothing_of_another_project(client, data, member_of):
    """Every project URL of `data`'s project, with a token of another project of the same
    organisation: 404."""
    other = Data(ProjectFactory(organisation=data.project.organisation), member_of)
    secret = token_for(other.lead, other.project)
    for url in data_urls(data.values()):
        response = client.get(url, **bearer(secret))
        assert response.status_code == 404, (url, response.status_code)
        assert data.project.name not in response.content.decode()
    # The other project's objects under the token's own project id: 404 too.
    mixed = {**other.values(), "extract_id": data.extract.pk, "survey_id": data.survey.pk}
    for name in ("api-v1:upload-breakdowns", "api-v1:survey-results"):
        route = next(r for r in api_routes() if r.name == name)
        url = reverse(name, kwargs={k: mixed[k] for k in route.kwargs})
        assert client.get(url, **bearer(secret)).status_code == 404, url
    # Its own project's URLs all answer.
    for url in data_urls(other.values()):
        assert client.get(url, **bearer(secret)).status_code == 200, url
    listed = client.get(reverse("api-v1:projects"), **bearer(secret)).json()
    assert [p["id"] for p in listed] == [other.project.pk]


def test_even_a_member_of_both_projects_reads_only_the_tokens_project(client, data, member_of):
    other = Data(ProjectFactory(organisation=data.project.organisation), member_of)
    Membership.objects.create(project=other.project, user=data.lead, role=Role.LEAD)
    secret = token_for(data.lead, other.project)
    for url in data_urls(data.values()):
        assert client.get(url, **bearer(secret)).status_code == 404, url


def test_a_token_reads_with_its_members_current_role(client, data):
    """An analyst's token, after the analyst becomes a panel member, reads only what a panel
    member may: an open survey's results are hidden until they have answered it."""
    secret = token_for(data.analyst, data.project)
    url = reverse("api-v1:survey-results", kwargs={"project_id": data.project.pk, "survey_id": data.survey.pk})
    assert client.get(url, **bearer(secret)).status_code == 200
    Membership.objects.filter(user=data.analyst, project=data.project).update(role=Role.PANEL)
    assert client.get(url, **bearer(secret)).status_code == 403
    SurveyParticipation.objects.create(survey=data.survey, user=data.analyst)
    assert client.get(url, **bearer(secret)).status_code == 200


# --- What it answers ---------------------------------------------------------------


def test_every_endpoint_answers_json_and_csv(client, data):
    secret = token_for(data.lead, data.project)
    for url in api_urls(data.values()):
        as_json = client.get(url, **bearer(secret))
        assert as_json.status_code == 200, url
        assert as_json["Content-Type"].startswith("application/json")
        assert "no-store" in as_json["Cache-Control"]
        body = as_json.json()
        for via in ({"path": url + "?format=csv"}, {"path": url, "HTTP_ACCEPT": "text/csv"}):
            response = client.get(**via, **bearer(secret))
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("text/csv")
            rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
            assert rows, url
            if isinstance(body, list):
                assert len(rows) >= len(body), url


def test_the_figures_match_the_database(client, data):
    secret = token_for(data.lead, data.project)
    pid = data.project.pk
    goals = client.get(reverse("api-v1:goals", kwargs={"project_id": pid}), **bearer(secret)).json()
    (goal,) = goals
    assert goal["statement"] == data.goal.statement
    assert goal["target_value"] == float(data.goal.target_value)
    assert len(goal["values"]) == 13
    assert goal["values"][-1] == {
        "period_start": "2025-01-01",
        "period_end": "2025-01-31",
        "period": "Jan 2025",
        "value": None,
        "lower": None,
        "upper": None,
        "suppressed": True,
    }
    spc = client.get(reverse("api-v1:spc", kwargs={"project_id": pid}), **bearer(secret)).json()
    (measure,) = spc
    assert len(measure["points"]) == 12 and measure["left_out"] == 1
    values = [float(v.value) for v in data.goal.measure.values.filter(suppressed=False).order_by("period_end")]
    assert [p["value"] for p in measure["points"]] == values
    mean = sum(values) / len(values)
    assert all(p["mean"] == pytest.approx(mean) for p in measure["points"])
    assert all(p["lower_limit"] < p["mean"] < p["upper_limit"] for p in measure["points"])
    assert {p["point_type"] for p in measure["points"]} <= {
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral",
    }
    assert measure["variation"] and measure["variation_label"]


def test_self_assessment_ratings_match_the_database(client, data):
    from evaluate.models import Assessment

    secret = token_for(data.lead, data.project)
    url = reverse("api-v1:self-assessments", kwargs={"project_id": data.project.pk})
    answer = client.get(url, **bearer(secret)).json()
    assert len(answer) == Assessment.objects.filter(project=data.project).count() == 2
    eds = next(a for a in answer if a["framework"]["key"] == "eds-2022")
    ratings = data.assessment.ratings.select_related("item__section")
    top = max(level.value for level in data.assessment.framework.levels.all())
    assert eds["period"] == "2025/26" and eds["assessed_on"] == data.assessment.assessed_on.isoformat()
    assert eds["items"] == len(eds["ratings"]) == ratings.count()
    assert eds["rated"] == ratings.exclude(rating=None).count() == 3
    assert eds["total"] == sum(r.rating or 0 for r in ratings)
    assert eds["maximum"] == top * ratings.count()
    assert eds["complete"] is False and eds["overall"] is None  # no band until every outcome is rated
    by_code = {r["code"]: r for r in eds["ratings"]}
    for rating in ratings:
        assert by_code[rating.item.code]["rating"] == rating.rating
        assert by_code[rating.item.code]["section_code"] == rating.item.section.code
    subtotals = {(r["section_code"], r["section_subtotal"]) for r in eds["ratings"]}
    for code, subtotal in subtotals:
        assert subtotal == sum(r.rating or 0 for r in ratings if r.item.section.code == code)
    assert "evidence" not in json.dumps(answer)
    # Every outcome rated: the overall rating is the band the total falls in.
    ratings.update(rating=2)
    eds = next(a for a in client.get(url, **bearer(secret)).json() if a["framework"]["key"] == "eds-2022")
    total = 2 * ratings.count()
    bands = [b for b in data.assessment.framework.bands if b["from"] <= total]
    assert eds["complete"] is True and eds["total"] == total and eds["overall"] == bands[-1]["label"]
    pcref = next(a for a in answer if a["framework"]["key"] == "pcref")
    assert pcref["total"] is None and pcref["overall"] is None  # PCREF has no score bands
    # In CSV, one row per item rating.
    rows = list(
        csv.DictReader(io.StringIO(client.get(url + "?format=csv", **bearer(secret)).content.decode("utf-8-sig")))
    )
    assert len(rows) == sum(len(a["ratings"]) for a in answer)
    assert {"framework.name", "period", "total", "overall", "ratings.code", "ratings.rating"} <= set(rows[0])


def test_progress_lists_every_sub_step(client, data):
    SubStepStatus.objects.update_or_create(project=data.project, code="2B", defaults={"state": "done"})
    secret = token_for(data.lead, data.project)
    rows = client.get(reverse("api-v1:progress", kwargs={"project_id": data.project.pk}), **bearer(secret)).json()
    assert [row["code"] for row in rows] == list(cycle.SUBSTEP_CODES)
    assert next(row for row in rows if row["code"] == "2B")["state"] == "done"
    assert {row["state"] for row in rows} <= {"not_started", "in_progress", "done"}


# --- Suppression, whoever asks ------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "lead"])
def test_breakdowns_are_the_published_figures_even_for_the_uploading_analyst(client, data, who):
    secret = token_for(getattr(data, who), data.project)
    url = reverse("api-v1:upload-breakdowns", kwargs={"project_id": data.project.pk, "extract_id": data.extract.pk})
    rows = {row["group"]: row for row in client.get(url, **bearer(secret)).json()}
    assert rows["White"]["count"] == 1235  # rounded to the nearest 5
    assert rows["Asian"]["count"] == 310
    for group in ("Black", "Mixed"):
        assert rows[group]["suppressed"] is True
        assert rows[group]["count"] is None and rows[group]["share"] is None
    for content in (
        client.get(url, **bearer(secret)).content,
        client.get(url + "?format=csv", **bearer(secret)).content,
    ):
        text = content.decode("utf-8-sig")
        assert "1234" not in text  # the true count, never shown
        assert "1235" in text
    csv_rows = list(
        csv.DictReader(io.StringIO(client.get(url + "?format=csv", **bearer(secret)).content.decode("utf-8-sig")))
    )
    hidden = [row for row in csv_rows if row["group"] in ("Black", "Mixed")]
    assert hidden and all(row["count"] == "" and row["suppressed"] == "true" for row in hidden)


def test_survey_results_hide_small_counts(client, data):
    secret = token_for(data.lead, data.project)
    url = reverse("api-v1:survey-results", kwargs={"project_id": data.project.pk, "survey_id": data.survey.pk})
    body = client.get(url, **bearer(secret)).json()
    assert body["ready"] is True
    (question,) = body["questions"]
    answers = {row["value"]: row for row in question["answers"] if row["answer_kind"] == "option"}
    assert answers["no"]["suppressed"] is True and answers["no"]["count"] is None  # 3 people
    assert answers["yes"]["suppressed"] is False and answers["yes"]["count"] == 30
    text = client.get(url + "?format=csv", **bearer(secret)).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    no = [row for row in rows if row["questions.answers.value"] == "no"]
    assert no and no[0]["questions.answers.count"] == ""


# --- CSV safety -------------------------------------------------------------------------


def test_no_csv_holds_a_formula_whatever_the_values_start_with(client, project, member_of):
    hostile = Data(project, member_of, hostile=True)
    secret = token_for(hostile.lead, project)
    seen = set()
    for url in api_urls(hostile.values()):
        response = client.get(url + "?format=csv", **bearer(secret))
        assert response.status_code == 200, url
        cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")) for c in row]
        formulae = [c for c in cells if runnable(c)]
        assert not formulae, (url, formulae)
        seen.update(c for c in cells if "HOSTILE" in c)
    assert len(seen) >= 8  # the hostile values reached the files, defused


# --- The OpenAPI description --------------------------------------------------------------


def test_the_schema_is_valid_openapi_with_every_endpoint(client, data):
    secret = token_for(data.lead, data.project)
    url = reverse("api-v1:schema")
    response = client.get(url, **bearer(secret))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    as_json = json.loads(client.get(url + "?format=json", **bearer(secret)).content)
    assert as_json["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for route in api_routes():
        if route.name == "api-v1:schema":
            continue
        path = "/" + route.route.replace("<int:", "{").replace("<uuid:", "{").replace(">", "}")
        assert path in paths, (path, paths)
        assert set(schema["paths"][path]) == {"get"}, path
        assert schema["paths"][path]["get"]["security"] == [{"bearerAuth": []}]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


# --- Audit -----------------------------------------------------------------------------------


def test_every_read_is_logged_without_the_token(client, data, caplog):
    secret = token_for(data.lead, data.project)
    token = ApiToken.objects.get(user=data.lead)
    other_project_url = reverse("api-v1:goals", kwargs={"project_id": data.project.pk + 1000})
    urls = [*data_urls(data.values()), other_project_url]
    with caplog.at_level(logging.DEBUG):
        for url in urls:
            client.get(url + "?format=csv", **bearer(secret))
    reads = list(AuditEvent.objects.filter(action=AuditEvent.Action.API_READ, token_id=token.pk).order_by("pk"))
    assert [r.detail for r in reads] == urls
    assert [r.outcome for r in reads] == ["200"] * (len(urls) - 1) + ["404"]
    assert {(r.user_id, r.project_id, r.organisation_id, r.token_prefix) for r in reads} == {
        (data.lead.pk, data.project.pk, data.project.organisation_id, token.prefix)
    }
    assert all(secret not in " ".join(map(str, vars(r).values())) for r in reads)
    assert secret not in caplog.text


# --- The tokens page ----------------------------------------------------------------------------


def tokens_url(project):
    return reverse("api:tokens", kwargs={"project_id": project.pk})


def test_a_member_makes_a_token_shown_once(client, data):
    client.force_login(data.analyst)
    response = client.post(tokens_url(data.project), {"name": "Board dashboard", "days": "180"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=data.analyst)
    html = response.content.decode()
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert round((token.expires_at - token.created_at).total_seconds() / 86400) == 180
    assert "no-store" in response["Cache-Control"]
    again = client.get(tokens_url(data.project)).content.decode()
    assert secret not in again  # shown once
    assert "Board dashboard" in again and token.prefix in again
    assert client.get(reverse("api-v1:projects"), **bearer(secret)).status_code == 200


def test_a_token_needs_a_name_and_an_allowed_lifetime(client, data):
    client.force_login(data.lead)
    for posted in ({"name": "", "days": "90"}, {"name": "X", "days": "400"}):
        response = client.post(tokens_url(data.project), posted)
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", [Role.PANEL, Role.VIEWER])
def test_panel_members_and_viewers_make_no_tokens(client, data, member_of, role):
    client.force_login(member_of(data.project, role))
    assert client.get(tokens_url(data.project)).status_code == 403
    assert client.post(tokens_url(data.project), {"name": "X", "days": "90"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_revoking_a_token(client, data):
    secret = token_for(data.analyst, data.project)
    token = ApiToken.objects.get(user=data.analyst)
    url = reverse("api:token-revoke", kwargs={"project_id": data.project.pk, "api_token_id": token.pk})
    client.force_login(data.analyst)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == data.analyst
    assert_401(client.get(reverse("api-v1:projects"), **bearer(secret)))
    assert "Revoked" in client.get(tokens_url(data.project)).content.decode()


def test_only_a_lead_revokes_someone_elses_token(client, data, member_of):
    token = services.create_token(
        by=data.analyst, membership=Membership.objects.get(user=data.analyst, project=data.project), name="Mine"
    )[0]
    url = reverse("api:token-revoke", kwargs={"project_id": data.project.pk, "api_token_id": token.pk})
    client.force_login(member_of(data.project, Role.GOVERNANCE))
    assert client.post(url).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(data.lead)
    assert data.analyst.full_name in client.get(tokens_url(data.project)).content.decode()
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == data.lead


def test_governance_leads_see_the_reads(client, data, member_of):
    secret = token_for(data.lead, data.project)
    client.get(reverse("api-v1:goals", kwargs={"project_id": data.project.pk}), **bearer(secret))
    client.force_login(member_of(data.project, Role.GOVERNANCE))
    html = client.get(tokens_url(data.project)).content.decode()
    assert "API reads" in html and f"/api/v1/projects/{data.project.pk}/goals/" in html
    client.force_login(data.lead)
    assert f"/api/v1/projects/{data.project.pk}/goals/" not in client.get(tokens_url(data.project)).content.decode()


def test_a_token_that_reached_a_log_line_would_be_redacted(data):
    from amhe.logging import redact

    secret = token_for(data.lead, data.project)
    assert redact(f"GET /api/v1/projects/ Authorization: Bearer {secret}") == (
        "GET /api/v1/projects/ Authorization: Bearer amhe_…"
    )
    assert redact("/projects/3/api-tokens/") == "/projects/3/api-tokens/"


@pytest.mark.parametrize("role", [Role.LEAD, Role.ANALYST, Role.GOVERNANCE, Role.PANEL, Role.VIEWER])
def test_the_project_page_links_to_the_tokens_page_for_those_who_may_use_it(client, data, member_of, role):
    from api.access import MAY_USE_API

    client.force_login(member_of(data.project, role))
    html = client.get(data.project.get_absolute_url()).content.decode()
    assert (tokens_url(data.project) in html) is (role in MAY_USE_API)
