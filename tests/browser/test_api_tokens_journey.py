"""Journey (the read-only API): an analyst makes an API token on the project's API
tokens page (after a missing name is refused), copies it from the page that shows it
once, reads the API with it, and revokes it; a governance lead sees the read in the
log. Every page passes axe with no violation of any impact."""

import pytest

from amhe.core.models import Role
from api.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(journey, role, name):
    journey.page.get_by_role(role, name=name).first.click()
    journey.page.wait_for_load_state()
    journey.check()


def test_analyst_makes_uses_and_revokes_a_token(journey, project, member_of):
    from tests.browser.test_narrow_screens import signed_in

    analyst = member_of(project, Role.ANALYST)
    page = journey.page
    signed_in(journey, analyst)
    journey.goto(f"/projects/{project.pk}/")
    _click(journey, "link", "API tokens for Power BI and Excel")

    _click(journey, "button", "Make token")  # no name: refused
    assert page.locator(".nhsuk-error-summary").is_visible()
    page.get_by_label("What is it for?").fill("Board dashboard")
    page.get_by_label("1 year").check()
    _click(journey, "button", "Make token")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("amhe_")

    # Read the API with it, as Power BI would (no browser session involved).
    response = page.request.get(
        f"/api/v1/projects/{project.pk}/progress/?format=csv", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200 and response.text().lstrip("\ufeff").startswith("step,")
    anonymous = page.request.get(f"/api/v1/projects/{project.pk}/progress/", headers={"Authorization": ""})
    assert anonymous.status == 401

    journey.goto(f"/projects/{project.pk}/api-tokens/")
    assert secret not in page.content()  # shown once
    _click(journey, "link", "Revoke")
    _click(journey, "button", "Revoke token")
    assert ApiToken.objects.get().revoked_at is not None
    assert page.request.get("/api/v1/projects/", headers={"Authorization": f"Bearer {secret}"}).status == 401

    signed_in(journey, member_of(project, Role.GOVERNANCE))
    journey.goto(f"/projects/{project.pk}/api-tokens/")
    assert f"/api/v1/projects/{project.pk}/progress/" in page.content()
