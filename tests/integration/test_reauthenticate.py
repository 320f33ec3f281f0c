"""Signing in again before record-level exports and deletions
(amhe.core.two_factor.recent_sign_in_required): every deletion and record-level export is
guarded, a sign-in older than AMHE_REAUTH_MINUTES sends the account to sign in again (password,
and a code when it has an authenticator), then back to where it was going."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import resolve, reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.integration import test_access
from tests.integration.test_access import all_routes, url_for
from tests.integration.test_two_factor import authenticator_for, code_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def five_minutes(settings):
    settings.AMHE_REAUTH_MINUTES = 5


# The access walk's world (one object of every kind with a URL) and its media folder.
world = test_access.world
media = test_access.media

# Record-level exports (each row a person's answers, an invitee's address, or figures
# before small-number suppression); every URL named "...-delete" is a deletion.
RECORD_LEVEL_EXPORTS = {
    "surveys:survey-responses-csv",
    "surveys:survey-responses-xlsx",
    "surveys:survey-invitations-csv",
    "identify:export",  # only with ?raw=1 (unsuppressed), see below
}


def guarded(view) -> bool:
    return getattr(view, "amhe_recent_sign_in_required", False)


def test_every_deletion_and_record_level_export_is_guarded(world):
    values = world.values()
    names = {r.name for r in all_routes() if r.name}
    deletions = {n for n in names if n.endswith("-delete")}
    assert len(deletions) >= 25
    assert RECORD_LEVEL_EXPORTS <= names
    for route in all_routes():
        if route.name in deletions | RECORD_LEVEL_EXPORTS:
            assert guarded(resolve(url_for(route, values)).func), route.name


def test_a_sign_in_older_than_five_minutes_asks_for_the_password_again(client, world):
    lead = world.lead
    delete = reverse("deliver:risk-delete", kwargs={"project_id": world.project.pk, "risk_id": world.risk.pk})
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(lead)
        assert client.get(delete).status_code == 200  # just signed in
        clock.shift(timedelta(minutes=6))
        sent = client.get(delete)
        assert sent.status_code == 302 and sent.url.startswith(reverse("reauthenticate") + "?next=")
        # Nothing is deleted by a POST either.
        assert client.post(delete).url.startswith(reverse("reauthenticate"))
        assert type(world.risk).objects.filter(pk=world.risk.pk).exists()
        page = client.get(sent.url)
        assert page.status_code == 200 and 'name="code"' not in page.content.decode()
        wrong = client.post(sent.url, {"password": "not-the-password-at-all", "next": delete})
        assert wrong.status_code == 200 and "The password is not right" in wrong.content.decode()
        right = client.post(sent.url, {"password": PASSWORD, "next": delete})
        assert right.status_code == 302 and right.url == delete
        assert client.post(delete).status_code == 302
        assert not type(world.risk).objects.filter(pk=world.risk.pk).exists()


def test_with_an_authenticator_signing_in_again_needs_a_code_too(client, world):
    lead = world.lead
    device = authenticator_for(lead)
    export = reverse(
        "surveys:survey-responses-csv",
        kwargs={"project_id": world.project.pk, "step": world.survey.step_slug, "survey_id": world.survey.pk},
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(lead)
        client.post(reverse("two-factor-verify"), {"code": code_for(device)})
        assert client.get(export).status_code == 200
        clock.shift(timedelta(minutes=10))
        sent = client.get(export)
        assert sent.url.startswith(reverse("reauthenticate"))
        assert 'name="code"' in client.get(sent.url).content.decode()
        no_code = client.post(sent.url, {"password": PASSWORD, "next": export})
        assert no_code.status_code == 200
        clock.shift(timedelta(seconds=31))
        device.refresh_from_db()
        done = client.post(sent.url, {"password": PASSWORD, "code": code_for(device), "next": export})
        assert done.status_code == 302 and done.url == export
        response = client.get(export)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_only_the_unsuppressed_export_of_an_upload_is_guarded(client, world):
    url = reverse("identify:export", kwargs={"project_id": world.project.pk, "extract_id": world.extract.pk})
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(world.lead)
        clock.shift(timedelta(minutes=6))
        raw = client.get(url + "?raw=1")
        assert raw.status_code == 302 and raw.url.startswith(reverse("reauthenticate"))
        suppressed = client.get(url)
        assert not (suppressed.status_code == 302 and suppressed.url.startswith(reverse("reauthenticate")))
