"""4A self-assessments against frameworks: the shipped EDS 2022 and PCREF, recording an
assessment through the services (ratings validated, links only to the project's own
records), the summary's totals and overall rating, the year-on-year table, a low
rating made into a Deliver action, who may do what, and the Leeds demo."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from amhe.core.access import Action
from amhe.core.management.commands.load_demo import WEST_YORKSHIRE
from amhe.core.models import Project, Role
from deliver.models import DeliveryAction
from evaluate.frameworks import presenters, selectors, services
from evaluate.models import Assessment, Framework, ItemRating
from tests.factories import (
    DecisionFactory,
    ExtractFactory,
    InterventionFactory,
    MeasureFactory,
    OrganisationFactory,
    ProjectFactory,
    StrategyFactory,
    national_framework,
)

pytestmark = pytest.mark.django_db

EDS_CODES = ["1A", "1B", "1C", "1D", "2A", "2B", "2C", "2D", "3A", "3B", "3C"]


@pytest.fixture
def eds():
    return national_framework("eds-2022")


@pytest.fixture
def pcref():
    return national_framework("pcref")


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def start(project, framework, by, period="2025/26", on=datetime.date(2026, 2, 1)):
    return services.assessment_create(by=by, project=project, framework=framework, period=period, assessed_on=on)


def rate_all(assessment, by, values):
    for rating, value in zip(selectors.ratings(assessment), values, strict=True):
        services.rating_record(by=by, rating=rating, value=value, evidence=f"Evidence for {rating.item.code}")


def test_eds_2022_is_shipped_with_its_domains_outcomes_scale_and_bands(eds):
    sections = selectors.structure(eds)
    assert [(s.code, s.title) for s in sections] == [
        ("1", "Commissioned or provided services"),
        ("2", "Workforce health and well-being"),
        ("3", "Inclusive leadership"),
    ]
    assert [i.code for s in sections for i in s.items.all()] == EDS_CODES
    assert [(level.value, level.label) for level in eds.levels.all()] == [
        (0, "Undeveloped activity"),
        (1, "Developing activity"),
        (2, "Achieving activity"),
        (3, "Excelling activity"),
    ]
    assert [b["from"] for b in eds.bands] == [0, 8, 22, 33]
    assert eds.evidence_by_characteristic and "Open Government Licence" in eds.source


def test_pcref_is_shipped_with_three_components_and_six_competencies(pcref):
    sections = selectors.structure(pcref)
    assert [s.code for s in sections] == ["1", "2", "3"]
    assert [i.title for i in sections[1].items.all()] == [
        "Cultural awareness",
        "Staff knowledge and awareness",
        "Partnership working",
        "Workforce",
        "Co-learning",
        "Co-production",
    ]
    assert pcref.bands == [] and not pcref.evidence_by_characteristic


def test_an_assessment_starts_with_every_item_unrated_and_one_per_year(project, eds, lead):
    assessment = start(project, eds, lead)
    assert [r.item.code for r in selectors.ratings(assessment)] == EDS_CODES
    assert all(r.rating is None for r in selectors.ratings(assessment))
    with pytest.raises(ValidationError) as caught:
        start(project, eds, lead)
    assert "already an assessment" in str(caught.value)
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.LEAD, True), (Role.GOVERNANCE, True), (Role.ANALYST, False), (Role.PANEL, False), (Role.VIEWER, False)],
)
def test_only_leads_and_governance_leads_record(project, eds, member_of, role, allowed):
    user = member_of(project, role)
    if allowed:
        start(project, eds, user)
    else:
        with pytest.raises(PermissionDenied):
            start(project, eds, user)


def test_another_organisations_own_framework_cannot_be_used(project, lead):
    theirs = Framework.objects.create(
        organisation=OrganisationFactory(name="Elsewhere ICB"), key="own", name="Own", short_name="Own", source="Us"
    )
    with pytest.raises(ValidationError, match="national framework"):
        start(project, theirs, lead)
    mine = Framework.objects.create(
        organisation=project.organisation, key="own", name="Own", short_name="Own", source="Us"
    )
    assert mine in selectors.frameworks(project) and theirs not in selectors.frameworks(project)


@pytest.mark.parametrize("value", [4, -1, True, "2"])
def test_a_rating_outside_the_scale_is_refused_and_nothing_saved(project, eds, lead, value):
    rating = selectors.ratings(start(project, eds, lead))[0]
    with pytest.raises(ValidationError) as caught:
        services.rating_record(by=lead, rating=rating, value=value, evidence="Some")
    assert "Choose a rating the framework has (0, 1, 2, 3)" in str(caught.value)
    rating.refresh_from_db()
    assert rating.rating is None and rating.evidence == ""


def test_a_rating_needs_evidence_and_characteristics_must_be_protected(project, eds, pcref, lead):
    rating = selectors.ratings(start(project, eds, lead))[0]
    with pytest.raises(ValidationError, match="Enter the evidence"):
        services.rating_record(by=lead, rating=rating, value=2, evidence="  ")
    with pytest.raises(ValidationError, match="nine protected"):
        services.rating_record(by=lead, rating=rating, value=2, evidence="x", by_characteristic={"carers": "x"})
    saved = services.rating_record(by=lead, rating=rating, value=2, by_characteristic={"race": " Rates  by ethnicity "})
    assert saved.by_characteristic == {"race": "Rates by ethnicity"}
    pcref_rating = selectors.ratings(start(project, pcref, lead))[0]
    with pytest.raises(ValidationError, match="does not ask"):
        services.rating_record(by=lead, rating=pcref_rating, value=2, evidence="x", by_characteristic={"race": "x"})


def test_evidence_links_only_to_the_projects_own_records(project, eds, lead):
    rating = selectors.ratings(start(project, eds, lead))[0]
    other = ProjectFactory(organisation=project.organisation)
    for name, foreign in (
        ("extracts", ExtractFactory(project=other)),
        ("decisions", DecisionFactory(project=other)),
        ("measures", MeasureFactory(project=other)),
    ):
        with pytest.raises(ValidationError, match="Link only this project"):
            services.rating_record(by=lead, rating=rating, value=1, evidence="x", **{name: [foreign]})
    own = {
        "extracts": [ExtractFactory(project=project)],
        "decisions": [DecisionFactory(project=project)],
        "measures": [MeasureFactory(project=project)],
    }
    services.rating_record(by=lead, rating=rating, value=1, evidence="x", **own)
    assert list(rating.extracts.all()) == own["extracts"] and list(rating.measures.all()) == own["measures"]


def test_summary_totals_domains_and_overall_rating(project, eds, lead):
    assessment = start(project, eds, lead)
    rate_all(assessment, lead, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1])  # 21: Developing
    summary = presenters.summary(assessment, selectors.ratings(assessment))
    assert [(b.code, b.subtotal, b.maximum) for b in summary.sections] == [("1", 8, 12), ("2", 8, 12), ("3", 5, 9)]
    assert (summary.totals.total, summary.totals.overall, summary.low_count) == (21, "Developing", 1)
    rating = selectors.ratings(assessment)[-1]
    services.rating_record(by=lead, rating=rating, value=2, evidence="Better")
    summary = presenters.summary(assessment, selectors.ratings(assessment))
    assert (summary.totals.total, summary.totals.overall) == (22, "Achieving")
    assert "a total of 22 out of 33, so the overall rating is Achieving" in summary.sentence


def test_changed_bands_change_the_overall_rating(project, eds, lead):
    assessment = start(project, eds, lead)
    rate_all(assessment, lead, [2] * 11)  # 22
    eds.bands = [
        {"from": 0, "label": "Undeveloped"},
        {"from": 8, "label": "Developing"},
        {"from": 23, "label": "Achieving"},
    ]
    eds.full_clean()
    eds.save()
    assessment.refresh_from_db()
    assert presenters.summary(assessment, selectors.ratings(assessment)).totals.overall == "Developing"
    eds.bands = [{"from": 3, "label": "Bad"}]
    with pytest.raises(ValidationError, match="must start at 0"):
        eds.full_clean()


def test_year_on_year_table_and_sentence(client, project, eds, lead):
    first = start(project, eds, lead, "2024/25", datetime.date(2025, 2, 1))
    rate_all(first, lead, [1] * 11)  # 11: Developing
    second = start(project, eds, lead, "2025/26", datetime.date(2026, 2, 1))
    rate_all(second, lead, [2] * 10 + [3])  # 23: Achieving
    client.force_login(lead)
    response = client.get(reverse("evaluate:framework", kwargs={"project_id": project.pk, "framework_id": eds.pk}))
    table = response.context["table"]
    assert [a.period for a in table.periods] == ["2024/25", "2025/26"]
    rows = {row.code: row.cells for row in table.rows}
    assert rows["1A"] == ["1 Developing activity", "2 Achieving activity"]
    assert rows["3C"] == ["1 Developing activity", "3 Excelling activity"]
    assert rows["Total"] == ["11 of 33", "23 of 33"]
    assert rows["Overall rating"] == ["Developing", "Achieving"]
    assert table.sentence == (
        "From 2024/25 to 2025/26 the total went from 11 to 23 out of 33 (up 12), "
        "and the overall rating went from Developing to Achieving."
    )
    assert "From 2024/25 to 2025/26 the total went from 11 to 23" in response.content.decode()


def test_rating_page_saves_with_evidence_per_characteristic(client, project, eds, lead):
    assessment = start(project, eds, lead)
    rating = selectors.ratings(assessment)[0]
    client.force_login(lead)
    url = reverse(
        "evaluate:rating-edit",
        kwargs={"project_id": project.pk, "assessment_id": assessment.pk, "rating_id": rating.pk},
    )
    assert "Evidence for race" in client.get(url).content.decode()
    response = client.post(url, {"value": "7", "evidence": "x"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"value": "1", "evidence": "Access data", "pc-race": "Higher crisis rate"})
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.rating, rating.by_characteristic) == (1, {"race": "Higher crisis rate"})
    page = client.get(reverse("evaluate:assessment", kwargs={"project_id": project.pk, "assessment_id": assessment.pk}))
    assert "Higher crisis rate" in page.content.decode() and "Make an action" in page.content.decode()


def action_url(project, rating):
    return reverse(
        "evaluate:rating-action",
        kwargs={"project_id": project.pk, "assessment_id": rating.assessment_id, "rating_id": rating.pk},
    )


def test_a_low_rating_becomes_an_action_in_deliver(client, project, eds, lead):
    intervention = InterventionFactory(strategy=StrategyFactory(project=project))
    assessment = start(project, eds, lead)
    rating = selectors.ratings(assessment)[1]
    services.rating_record(by=lead, rating=rating, value=1, evidence="Needs met for some only")
    client.force_login(lead)
    response = client.post(
        action_url(project, rating),
        {
            "title": "Record language needs in every care plan",
            "intervention": intervention.pk,
            "owner": lead.pk,
            "due_date_day": "31",
            "due_date_month": "3",
            "due_date_year": "2027",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = DeliveryAction.objects.get()
    assert (action.intervention, action.owner, action.due_date) == (intervention, lead, datetime.date(2027, 3, 31))
    assert list(ItemRating.objects.get(pk=rating.pk).delivery_actions.all()) == [action]
    page = client.get(response.url)
    assert "Record language needs in every care plan" in page.content.decode()


def test_only_a_low_rating_becomes_an_action(project, eds, lead):
    intervention = InterventionFactory(strategy=StrategyFactory(project=project))
    rating = selectors.ratings(start(project, eds, lead))[0]
    services.rating_record(by=lead, rating=rating, value=2, evidence="Fine")
    with pytest.raises(ValidationError, match="Only a low rating"):
        services.action_make(
            by=lead, rating=rating, intervention=intervention, title="x", owner=lead, due_date=datetime.date(2027, 1, 1)
        )
    other = InterventionFactory(strategy=StrategyFactory(project=ProjectFactory(organisation=project.organisation)))
    services.rating_record(by=lead, rating=rating, value=0, evidence="Not started")
    with pytest.raises(ValidationError, match="this project's strategy"):
        services.action_make(
            by=lead, rating=rating, intervention=other, title="x", owner=lead, due_date=datetime.date(2027, 1, 1)
        )
    assert not DeliveryAction.objects.exists()


def test_a_governance_lead_rates_but_does_not_make_actions(client, project, eds, member_of, lead):
    governance = member_of(project, Role.GOVERNANCE)
    intervention = InterventionFactory(strategy=StrategyFactory(project=project))
    rating = selectors.ratings(start(project, eds, governance))[0]
    services.rating_record(by=governance, rating=rating, value=0, evidence="Not started")
    with pytest.raises(PermissionDenied):
        services.action_make(
            by=governance,
            rating=rating,
            intervention=intervention,
            title="x",
            owner=lead,
            due_date=datetime.date(2027, 1, 1),
        )
    client.force_login(governance)
    assert client.get(action_url(project, rating)).status_code == 403


def test_another_organisations_framework_page_is_404(client, project, lead):
    theirs = Framework.objects.create(
        organisation=OrganisationFactory(name="Elsewhere ICB"), key="own", name="Own", short_name="Own", source="Us"
    )
    client.force_login(lead)
    url = reverse("evaluate:framework", kwargs={"project_id": project.pk, "framework_id": theirs.pk})
    assert client.get(url).status_code == 404


def test_demo_has_eds_for_two_years_and_pcref_made_through_the_services(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    calls = []
    original = services.assessment_create
    monkeypatch.setattr(services, "assessment_create", lambda **kw: calls.append(kw) or original(**kw))
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # adds nothing twice
    assert len(calls) == 3
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    found = list(selectors.assessments(project))
    assert sorted((a.framework.key, a.period) for a in found) == [
        ("eds-2022", "2024/25"),
        ("eds-2022", "2025/26"),
        ("pcref", "2025/26"),
    ]
    for assessment in found:
        summary = presenters.summary(assessment, selectors.ratings(assessment))
        assert summary.totals.complete
    eds = [a for a in found if a.framework.key == "eds-2022"]
    totals = [presenters.summary(a, selectors.ratings(a)).totals for a in eds]
    assert totals[0].total < totals[1].total
    pcref = next(a for a in found if a.framework.key == "pcref")
    core = next(r for r in selectors.ratings(pcref) if r.item.code == "1.3")
    assert set(core.measures.all()) == set(project.measures.all())
    assert not DeliveryAction.objects.filter(intervention__strategy__project=project, title__startswith="Cultural")


def test_framework_page_says_the_bands_in_words(client, project, eds, lead):
    client.force_login(lead)
    response = client.get(reverse("evaluate:framework", kwargs={"project_id": project.pk, "framework_id": eds.pk}))
    assert response.context["bands"] == [
        "Undeveloped: a total of 0 to 7",
        "Developing: a total of 8 to 21",
        "Achieving: a total of 22 to 32",
        "Excelling: a total of 33",
    ]
    assert "a total out of 33" in response.content.decode()


def test_year_on_year_says_when_the_overall_rating_stayed_the_same(project, eds, lead):
    first = start(project, eds, lead, "2024/25", datetime.date(2025, 2, 1))
    rate_all(first, lead, [1] * 11)  # 11
    second = start(project, eds, lead, "2025/26", datetime.date(2026, 2, 1))
    rate_all(second, lead, [1] * 10 + [0])  # 10
    found = list(selectors.assessments(project, eds))
    table = presenters.year_on_year(eds, selectors.items(eds), found, selectors.ratings_of(a.pk for a in found))
    assert table.sentence == (
        "From 2024/25 to 2025/26 the total went from 11 to 10 out of 33 (down 1), "
        "and the overall rating stayed Developing."
    )
    summary = presenters.summary(second, selectors.ratings(second))
    assert summary.sentence == (
        "All 11 outcomes rated: a total of 10 out of 33, so the overall rating is Developing; 11 rated low."
    )


def test_staff_edit_a_framework_in_django_admin_and_bad_bands_are_refused(client, eds):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:evaluate_framework_change", args=[eds.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Excelling activity" in page.content.decode()
    section = eds.sections.get(code="1")
    assert client.get(reverse("admin:evaluate_frameworksection_change", args=[section.pk])).status_code == 200
    form = page.context["adminform"].form
    assert "bands" in form.fields
    bad = form.__class__(
        instance=eds,
        data={**{name: form.initial.get(name) for name in form.fields}, "bands": '[{"from": 5, "label": "X"}]'},
    )
    bad.data = {k: ("" if v is None else v) for k, v in bad.data.items()}
    assert not bad.is_valid()
    assert "must start at 0" in str(bad.errors)


def test_access_helpers_keep_to_the_project(project, eds, lead, member_of):
    from django.http import Http404

    mine = start(project, eds, lead)
    other_project = ProjectFactory(organisation=project.organisation)
    theirs = start(other_project, eds, member_of(other_project, Role.LEAD))
    with pytest.raises(Http404):
        selectors.assessment_for(lead, project.pk, theirs.pk)
    their_rating = selectors.ratings(theirs)[0]
    with pytest.raises(Http404):
        selectors.rating_for(lead, project.pk, mine.pk, their_rating.pk)
    viewer = member_of(project, Role.VIEWER)
    assert selectors.assessment_for(viewer, project.pk, mine.pk)[2] == mine
    with pytest.raises(PermissionDenied):
        selectors.rating_for(viewer, project.pk, mine.pk, selectors.ratings(mine)[0].pk, Action.ASSESS)
    with pytest.raises(Http404):
        selectors.framework_for(lead, project.pk, 999_999)
