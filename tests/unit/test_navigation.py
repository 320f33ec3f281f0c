"""Breadcrumbs come from one helper that reads the cycle (amhe.core.navigation)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from amhe.core import cycle, navigation

PROJECT = SimpleNamespace(pk=7, name="Talking therapies access", get_absolute_url=lambda: "/projects/7/")


def test_without_a_project_the_trail_is_your_projects():
    assert navigation.crumbs() == [("Your projects", reverse("core:home"))]


def test_a_project_page_links_home_and_the_project():
    assert navigation.crumbs(PROJECT) == [("Your projects", "/"), ("Talking therapies access", "/projects/7/")]


@pytest.mark.parametrize("step", cycle.STEPS, ids=lambda step: step.slug)
def test_each_step_is_named_and_linked_from_the_cycle(step):
    expected = (f"{step.number}. {step.title}", f"/projects/7/{step.slug}/")
    for given in (step, step.slug, step.number):
        assert navigation.crumbs(PROJECT, given)[2:] == [expected]


def test_extra_crumbs_follow_the_step_in_order():
    trail = navigation.crumbs(PROJECT, "evaluate", ("Surveys", "/s/"), ("PREM", "/s/1/"))
    assert [text for text, _ in trail] == [
        "Your projects",
        "Talking therapies access",
        "4. Evaluate",
        "Surveys",
        "PREM",
    ]


def test_extra_crumbs_without_a_step():
    assert navigation.crumbs(PROJECT, None, ("People", "/p/"))[2:] == [("People", "/p/")]


def test_a_step_needs_its_project():
    with pytest.raises(ValueError):
        navigation.crumbs(None, "identify")


def test_an_unknown_step_is_an_error():
    with pytest.raises(KeyError):
        navigation.crumbs(PROJECT, "publish")
