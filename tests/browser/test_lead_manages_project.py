"""Journeys: a lead describes a focus population, invites a person (who
creates their account from the emailed link and joins), and agrees a SMART
goal (seeing the error summary first); an administrator watches a job's
progress bar move. Every page, error states included, passes axe."""

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from amhe.core.management.commands.load_demo import DEMO_PASSWORD, WEST_YORKSHIRE
from amhe.core.models import Job, Membership, Population, Project, SmartGoal
from tests.worker import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_adds_a_population_a_person_and_agrees_a_goal(demo, journey, mailoutbox):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("lead@wy-icb.example", DEMO_PASSWORD)
    journey.goto(project.get_absolute_url())

    # A focus population, described with the taxonomy's categories.
    page.get_by_role("link", name="Add a focus population").click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_role("button", name="Save population").click()
    page.wait_for_load_state()
    journey.check()  # the error summary
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    page.get_by_label("Name").fill("Older South Asian women in Leeds")
    page.get_by_label("Asian or Asian British - Pakistani").check()
    page.get_by_label("Asian or Asian British - Bangladeshi").check()
    page.get_by_label("55 to 64").check()
    page.get_by_label("65 and over").check()
    page.get_by_role("button", name="Save population").click()
    page.wait_for_load_state()
    journey.check()
    population = Population.objects.get(name="Older South Asian women in Leeds")
    assert {"code_list": "nhs_ethnic_category", "codes": ["J", "K"]} in population.criteria
    assert page.get_by_role("link", name="Older South Asian women in Leeds").is_visible()

    # A new person, invited by email.
    page.get_by_role("link", name="everyone on this project").click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label("Email address").fill("new.panel@example.org")
    page.get_by_label("Full name (optional)").fill("Ngozi Adeyemi")
    page.get_by_label("Lived-experience panel member").check()
    page.get_by_role("button", name="Add to project").click()
    page.wait_for_load_state()
    journey.check()
    # Someone without an account is invited: listed as invited, not yet on the project.
    assert page.get_by_role("cell", name="new.panel@example.org", exact=True).is_visible()
    assert not Membership.objects.filter(project=project, user__email="new.panel@example.org").exists()
    # So is another organisation's analyst: the page says the same.
    page.get_by_label("Email address").fill("analyst@gm-icb.example")
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Add to project").click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_text("We have emailed analyst@gm-icb.example.").is_visible()
    assert page.get_by_role("cell", name="analyst@gm-icb.example", exact=True).is_visible()

    # Agreeing a goal with gaps shows what is missing; filling them agrees it.
    journey.goto(f"/projects/{project.pk}/goals/new/")
    page.get_by_label("Specific goal").fill("More older South Asian women referred to talking therapies")
    page.get_by_role("button", name="Agree goal").click()
    page.wait_for_load_state()
    journey.check()
    summary = page.get_by_role("alert")
    assert summary.get_by_text("Enter the target value").is_visible()
    assert summary.get_by_text("Choose who owns this goal").is_visible()
    # The error summary's links take focus to the field.
    summary.get_by_role("link", name="Enter the target value").click()
    assert page.evaluate("document.activeElement.id") == "id_target_value"
    page.get_by_label("How it is measured (needed to agree the goal if you choose no measure)").fill(
        "Referrals per 1,000, women 55+, quarterly"
    )
    page.get_by_label("Baseline value (needed to agree the goal)").fill("4.1")
    page.get_by_label("Target value (needed to agree the goal)").fill("6")
    target = page.get_by_role("group", name="Target date (needed to agree the goal)")
    target.get_by_label("Day").fill("31")
    target.get_by_label("Month").fill("3")
    target.get_by_label("Year").fill("2028")
    page.get_by_label("Owner (needed to agree the goal)").select_option(label="Amara Okafor")
    page.get_by_label("Why it is achievable (needed to agree the goal)").fill("Outreach workers funded")
    page.get_by_label("Why it is realistic (needed to agree the goal)").fill("Other areas doubled referrals")
    page.get_by_role("button", name="Agree goal").click()
    page.wait_for_load_state()
    journey.check()
    goal = SmartGoal.objects.get(statement__startswith="More older South Asian women")
    assert goal.status == SmartGoal.Status.AGREED and goal.target_date.isoformat() == "2028-03-31"

    # The invited person creates their account from the emailed link and joins.
    link = invitation_link(mailoutbox, "new.panel@example.org")
    page.context.clear_cookies()
    journey.goto(link)
    assert page.get_by_label("Full name").input_value() == "Ngozi Adeyemi"
    page.get_by_label("Password", exact=True).fill("river-lantern-42x")
    page.get_by_label("Confirm password").fill("river-lantern-42x")
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_url(journey.base_url + project.get_absolute_url())
    journey.check()
    assert Membership.objects.get(project=project, user__email="new.panel@example.org").role == "panel"

    # The other organisation's analyst logs in from their link and accepts.
    link = invitation_link(mailoutbox, "analyst@gm-icb.example")
    page.context.clear_cookies()
    journey.goto(link)
    page.get_by_role("link", name="Log in to accept").click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label("Email address").fill("analyst@gm-icb.example")
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(journey.base_url + link)
    journey.check()
    page.get_by_role("button", name="Accept and join").click()
    page.wait_for_url(journey.base_url + project.get_absolute_url())
    journey.check()
    assert Membership.objects.get(project=project, user__email="analyst@gm-icb.example").role == "viewer"


def invitation_link(mailoutbox, email: str) -> str:
    (message,) = [m for m in mailoutbox if m.to == [email]]
    return re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", message.body).group(1)


def test_administrator_watches_a_job_progress_bar(demo, journey, transactional_db):
    worker = WorkerProcess().start()
    try:
        page = journey.page
        journey.log_in("admin@amhe.example", DEMO_PASSWORD)
        page.get_by_role("link", name="System status").click()
        page.wait_for_load_state()
        journey.check()
        page.get_by_role("button", name="Run a worker check").click()
        page.wait_for_load_state()
        journey.check()
        bar = page.locator("progress#job-progress")
        # The bar moves while the job runs (the page polls its status), then the page shows the result.
        seen = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not page.get_by_text("Finished", exact=True).count():
            try:
                seen.add(bar.evaluate("el => el.value", timeout=1000))
            except PlaywrightError:
                pass  # the page is reloading to show the result
            time.sleep(0.1)
        assert any(0 < value < 100 for value in seen), seen
        page.wait_for_load_state()
        journey.check()
        assert bar.get_attribute("value") == "100"
        assert Job.objects.get(kind="core.worker_check").state == Job.State.SUCCEEDED
    finally:
        worker.stop()


def test_panel_member_cannot_change_progress_or_goals(demo, journey):
    page = journey.page
    project = Project.objects.get(name=WEST_YORKSHIRE.project_name)
    journey.log_in("panel@wy-icb.example", DEMO_PASSWORD)
    journey.goto(f"/projects/{project.pk}/identify/")
    assert page.get_by_role("link", name="Change progress on 1A").count() == 0
    response = page.goto(f"{journey.base_url}/projects/{project.pk}/goals/new/")
    assert response.status == 403
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot do this"
