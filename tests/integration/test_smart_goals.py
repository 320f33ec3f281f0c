"""SMART goal validation: in the service, in the database and through the web."""

import re
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from amhe.core import services
from amhe.core.forms import SmartGoalForm
from amhe.core.models import Role, SmartGoal
from tests.factories import MeasureFactory, ProjectFactory, SmartGoalFactory

pytestmark = pytest.mark.django_db

# SMART part -> (model attributes that make it missing, field named in the error)
MISSING_PARTS = {
    "statement": ({"statement": ""}, "statement"),
    "measure": ({"measure": None, "measure_description": ""}, "measure_description"),
    "baseline_value": ({"baseline_value": None}, "baseline_value"),
    "target_value": ({"target_value": None}, "target_value"),
    "target_date": ({"target_date": None}, "target_date"),
    "owner": ({"owner": None}, "owner"),
    "achievable": ({"achievable": ""}, "achievable"),
    "realistic": ({"realistic": ""}, "realistic"),
}


@pytest.fixture
def lead(project, member_of):
    return member_of(project, Role.LEAD)


def goal_with_gap(project, owner, part) -> SmartGoal:
    """An unsaved goal, complete except for one SMART part."""
    blanks, _ = MISSING_PARTS[part]
    goal = SmartGoalFactory.build(project=project, owner=owner)
    for attr, value in blanks.items():
        setattr(goal, attr, value)
    return goal


# --- The service --------------------------------------------------------------


def test_draft_with_gaps_saves(project, lead):
    goal = SmartGoal(project=project, statement="Fewer detentions", status=SmartGoal.Status.DRAFT)
    services.smart_goal_save(by=lead, goal=goal)
    saved = SmartGoal.objects.get(pk=goal.pk)
    assert saved.status == SmartGoal.Status.DRAFT
    assert not saved.is_smart
    assert set(saved.missing_smart_parts()) == {
        "measure_description",
        "baseline_value",
        "target_value",
        "target_date",
        "owner",
        "achievable",
        "realistic",
    }


def test_complete_goal_can_be_agreed(project, lead):
    goal = SmartGoalFactory.build(project=project, owner=lead)
    services.smart_goal_agree(by=lead, goal=goal)
    assert SmartGoal.objects.get(pk=goal.pk).status == SmartGoal.Status.AGREED


def test_a_chosen_measure_counts_as_measurable(project, lead):
    measure = MeasureFactory(project=project)
    goal = SmartGoalFactory.build(project=project, owner=lead, measure=measure, measure_description="")
    services.smart_goal_agree(by=lead, goal=goal)
    assert SmartGoal.objects.get(pk=goal.pk).status == SmartGoal.Status.AGREED


@pytest.mark.parametrize("part", MISSING_PARTS)
@pytest.mark.parametrize("status", SmartGoal.COMMITTED)
def test_committed_goal_with_a_missing_part_is_rejected(project, lead, part, status):
    goal = goal_with_gap(project, lead, part)
    goal.status = status
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_save(by=lead, goal=goal)
    _, field = MISSING_PARTS[part]
    assert set(exc.value.message_dict) == {field}
    assert not SmartGoal.objects.exists()


def test_statement_is_required_even_for_a_draft(project, lead):
    goal = SmartGoal(project=project, statement="", status=SmartGoal.Status.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_save(by=lead, goal=goal)
    assert set(exc.value.message_dict) == {"statement"}


@pytest.mark.parametrize("part", [part for part in MISSING_PARTS if part != "statement"])
def test_agreeing_a_saved_draft_with_a_gap_leaves_it_draft(project, lead, part):
    goal = goal_with_gap(project, lead, part)
    services.smart_goal_save(by=lead, goal=goal)
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_agree(by=lead, goal=goal)
    assert MISSING_PARTS[part][1] in exc.value.message_dict
    assert SmartGoal.objects.get(pk=goal.pk).status == SmartGoal.Status.DRAFT


def test_whitespace_only_text_is_missing(project, lead):
    goal = SmartGoalFactory.build(project=project, owner=lead, achievable="   ", status=SmartGoal.Status.AGREED)
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_save(by=lead, goal=goal)
    assert "achievable" in exc.value.message_dict


# --- The database constraint ----------------------------------------------------


@pytest.mark.parametrize("part", MISSING_PARTS)
def test_database_rejects_incomplete_agreed_goal(project, lead, part):
    goal = goal_with_gap(project, lead, part)
    goal.status = SmartGoal.Status.AGREED
    with pytest.raises(IntegrityError, match="smart_goal_complete_when_committed|CHECK constraint"):
        with transaction.atomic():
            goal.save()  # bypasses clean()
    assert not SmartGoal.objects.exists()


def test_database_rejects_update_to_agreed_that_skips_clean(project, lead):
    goal = SmartGoalFactory(project=project, owner=lead, target_value=None)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            SmartGoal.objects.filter(pk=goal.pk).update(status=SmartGoal.Status.AGREED)
    goal.refresh_from_db()
    assert goal.status == SmartGoal.Status.DRAFT


def test_database_accepts_incomplete_draft_and_withdrawn(project):
    SmartGoal.objects.create(project=project, statement="", status=SmartGoal.Status.DRAFT)
    SmartGoal.objects.create(project=project, statement="", status=SmartGoal.Status.WITHDRAWN)
    assert SmartGoal.objects.count() == 2


# --- Dates and measures -----------------------------------------------------------


@pytest.mark.parametrize("target", [date(2024, 3, 30), date(2024, 3, 31)])
def test_target_date_must_be_after_baseline_date(project, lead, target):
    goal = SmartGoalFactory.build(project=project, owner=lead, baseline_date=date(2024, 3, 31), target_date=target)
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_save(by=lead, goal=goal)
    assert set(exc.value.message_dict) == {"target_date"}
    assert "after the baseline date" in exc.value.message_dict["target_date"][0]


def test_measure_from_another_project_is_rejected(project, lead):
    elsewhere = MeasureFactory(project=ProjectFactory(organisation=project.organisation))
    goal = SmartGoalFactory.build(project=project, owner=lead, measure=elsewhere)
    with pytest.raises(ValidationError) as exc:
        services.smart_goal_save(by=lead, goal=goal)
    assert set(exc.value.message_dict) == {"measure"}
    assert not SmartGoal.objects.exists()


# --- Through the web --------------------------------------------------------------


def _date_post(form: forms.Form, name: str, value: date | None) -> dict:
    """POST data for a date field, whether it is one input or a day/month/year widget."""
    widget = form.fields[name].widget
    if isinstance(widget, forms.MultiWidget):
        parts = ["", "", ""] if value is None else [str(value.day), str(value.month), str(value.year)]
        return {f"{name}{suffix}": part for suffix, part in zip(widget.widgets_names, parts, strict=True)}
    return {name: "" if value is None else value.isoformat()}


def goal_post(project, default_owner, **overrides) -> dict:
    """A complete goal form submission; pass a field as None (or "") to leave it empty."""
    form = SmartGoalForm(project=project)
    values = {
        "statement": "Cut detentions among young Black men in Leeds",
        "population": "",
        "measure": "",
        "measure_description": "Detentions per 100,000 Black men aged 18 to 34, annual",
        "baseline_value": "159",
        "baseline_date": date(2024, 3, 31),
        "target_value": "127",
        "target_date": date(2028, 3, 31),
        "owner": str(default_owner.pk),
        "achievable": "Funded crisis café",
        "realistic": "In line with pilots",
    }
    values.update(overrides)
    data = {}
    for name, value in values.items():
        if isinstance(form.fields[name], forms.DateField) or name.endswith("_date"):
            data.update(_date_post(form, name, value or None))
        else:
            data[name] = "" if value is None else value
    return data


def test_form_field_names_match_goal_post(project, lead):
    """Guards goal_post: it fills every input the form has, and no other."""
    form = SmartGoalForm(project=project)
    expected = set()
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.MultiWidget):
            expected |= {f"{name}{suffix}" for suffix in field.widget.widgets_names}
        else:
            expected.add(name)
    assert set(goal_post(project, lead)) == expected


def test_lead_agreeing_with_gaps_sees_every_missing_part(client, project, lead):
    client.force_login(lead)
    gaps = {"target_value": None, "owner": None, "realistic": ""}
    response = client.post(
        reverse("core:goal-new", kwargs={"project_id": project.pk}), {**goal_post(project, lead, **gaps), "agree": ""}
    )
    assert response.status_code == 200
    assert not SmartGoal.objects.exists()
    form = response.context["form"]
    assert {"target_value", "owner", "realistic"} <= set(form.errors)
    html = response.content.decode()
    expected = SmartGoal(target_value=None, owner=None, realistic="").missing_smart_parts()
    for field in gaps:
        assert expected[field] in html, field
    # the NHS.UK error summary lists each one, linked to its field
    summary = re.search(r'class="[^"]*nhsuk-error-summary__list[^"]*">(.*?)</ul>', html, re.DOTALL)
    assert summary, "no error summary on the page"
    for field in gaps:
        assert expected[field] in summary[1], field
        assert f'href="#id_{field}' in summary[1], field


def test_lead_agreeing_an_existing_draft_with_gaps_leaves_it_draft(client, project, lead):
    goal = SmartGoalFactory(project=project, owner=lead)
    client.force_login(lead)
    url = reverse("core:goal-edit", kwargs={"project_id": project.pk, "goal_id": goal.pk})
    response = client.post(url, {**goal_post(project, lead, achievable="", measure_description=""), "agree": ""})
    assert response.status_code == 200
    assert {"achievable", "measure_description"} <= set(response.context["form"].errors)
    goal.refresh_from_db()
    assert goal.status == SmartGoal.Status.DRAFT
    assert goal.achievable == "Funded crisis café"  # nothing half-saved


def test_lead_agreeing_a_complete_goal(client, project, lead):
    client.force_login(lead)
    response = client.post(
        reverse("core:goal-new", kwargs={"project_id": project.pk}), {**goal_post(project, lead), "agree": ""}
    )
    assert response.status_code == 302
    assert response.url == reverse("core:goals", kwargs={"project_id": project.pk})
    goal = SmartGoal.objects.get()
    assert goal.status == SmartGoal.Status.AGREED
    assert goal.owner == lead
    assert goal.target_date == date(2028, 3, 31)
    assert goal.is_smart


def test_save_with_gaps_keeps_a_draft(client, project, lead):
    client.force_login(lead)
    response = client.post(
        reverse("core:goal-new", kwargs={"project_id": project.pk}),
        {**goal_post(project, lead, target_value=None, target_date=None, owner=None), "save": ""},
    )
    assert response.status_code == 302
    goal = SmartGoal.objects.get()
    assert goal.status == SmartGoal.Status.DRAFT
    assert goal.target_value is None and goal.target_date is None and goal.owner is None
    assert goal.statement == "Cut detentions among young Black men in Leeds"


def test_form_offers_only_this_projects_measures_and_members(client, project, lead, member_of):
    other = ProjectFactory(organisation=project.organisation)
    foreign_measure = MeasureFactory(project=other)
    outsider = member_of(other, Role.LEAD)
    client.force_login(lead)
    response = client.post(
        reverse("core:goal-new", kwargs={"project_id": project.pk}),
        {**goal_post(project, lead, measure=str(foreign_measure.pk), owner=str(outsider.pk)), "save": ""},
    )
    assert response.status_code == 200
    assert {"measure", "owner"} <= set(response.context["form"].errors)
    assert not SmartGoal.objects.exists()
