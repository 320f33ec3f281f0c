"""The audit log (issue 14 item 6, issue 15 item 2): an entry for each kind of
event, written where the event happens; append-only in Python (and on PostgreSQL
by a trigger: test_audit_postgres.py); the governance leads' page and its CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import convert_exception_to_response
from django.db import transaction
from django.test import RequestFactory
from django.urls import ResolverMatch, reverse
from django.utils import timezone

from amhe.core import audit
from amhe.core import services as core_services
from amhe.core.middleware import AuditMiddleware
from amhe.core.models import AppendOnlyError, AuditEvent, Membership, Organisation, Population, Role
from tests.factories import (
    PASSWORD,
    CommunityAssetFactory,
    DiagramFactory,
    DiagramNodeFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RiskFactory,
    UserFactory,
)
from tests.integration.test_exports_safe import HOSTILE, runnable

pytestmark = pytest.mark.django_db

A = AuditEvent.Action


@pytest.fixture(autouse=True)
def _fresh_counters(settings, request):
    """Lockout counters and rate limits of this test's own."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lead(project):
    return MembershipFactory(project=project, role=Role.LEAD).user


@pytest.fixture
def governance(project, member_of):
    return member_of(project, Role.GOVERNANCE)


def entries(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("pk"))


def only(action, **filters) -> AuditEvent:
    found = entries(action, **filters)
    assert len(found) == 1, (action, filters, found)
    return found[0]


def all_text(event: AuditEvent) -> str:
    return " ".join(str(value) for value in vars(event).values())


# --- Sign-ins ----------------------------------------------------------------------------------


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_sign_in_and_sign_out(client, lead):
    assert login(client, lead.email, PASSWORD).status_code == 302
    signed_in = only(A.SIGN_IN, user=lead)
    assert (signed_in.organisation_id, signed_in.object_kind, signed_in.object_id) == (
        lead.organisation_id,
        "account",
        str(lead.pk),
    )
    client.post(reverse("logout"))
    assert SESSION_KEY not in client.session
    assert only(A.SIGN_OUT, user=lead).organisation_id == lead.organisation_id


def test_a_failed_sign_in_names_the_account_never_the_email_typed(client, lead):
    login(client, lead.email.upper(), "wrong-password")
    failed = only(A.SIGN_IN_FAILED, user=lead)
    assert failed.outcome == "failed" and failed.organisation_id == lead.organisation_id
    login(client, "nobody-here@example.org", "wrong-password")
    unknown = only(A.SIGN_IN_FAILED, user=None)
    assert unknown.organisation_id is None and unknown.detail == "no account with that email"
    for event in AuditEvent.objects.all():
        assert "@" not in all_text(event) and "wrong-password" not in all_text(event)


def test_the_lockout_and_each_attempt_while_locked(client, lead):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, lead.email, "wrong-password")
    assert len(entries(A.SIGN_IN_FAILED, user=lead, outcome="failed")) == settings.AXES_FAILURE_LIMIT
    assert only(A.LOCKOUT, user=lead).outcome == "locked"
    assert login(client, lead.email, PASSWORD).status_code == 429  # even the right password
    assert only(A.SIGN_IN_FAILED, user=lead, outcome="locked")
    assert not entries(A.SIGN_IN, user=lead)


# --- Refusals ----------------------------------------------------------------------------------


def test_a_403_names_the_project_and_object_and_a_mistyped_page_is_not_logged(client, project, member_of):
    viewer = member_of(project, Role.VIEWER)
    client.force_login(viewer)
    url = reverse("core:goal-new", kwargs={"project_id": project.pk})
    assert client.get(url).status_code == 403
    refused = only(A.REFUSED_403, user=viewer)
    assert (refused.project_id, refused.organisation_id, refused.object_kind, refused.object_id, refused.outcome) == (
        project.pk,
        project.organisation_id,
        "project",
        str(project.pk),
        "403",
    )
    assert refused.detail == "GET core:goal-new"
    assert client.get("/no-such-page/").status_code == 404
    assert client.get(reverse("core:project", kwargs={"project_id": 999_999})).status_code == 404
    missing = only(A.REFUSED_404, user=viewer)
    assert missing.project_id is None and missing.object_id == "999999"
    assert missing.organisation_id == viewer.organisation_id  # no such project: the account's own


def test_another_projects_object_under_ones_own_project_is_a_logged_404(client, project, lead, other_org_user):
    other_risk = RiskFactory(project=other_org_user.memberships.get().project)
    client.force_login(lead)
    url = reverse("deliver:risk-edit", kwargs={"project_id": project.pk, "risk_id": other_risk.pk})
    assert client.get(url).status_code == 404
    refused = only(A.REFUSED_404, user=lead)
    assert (refused.project_id, refused.object_kind, refused.object_id) == (project.pk, "risk", str(other_risk.pk))


def test_anonymous_requests_and_public_links_are_not_logged_here(client, project):
    client.get(reverse("core:project", kwargs={"project_id": project.pk}))  # sent to log in
    client.get("/s/not-a-real-survey-token/")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_logged_although_the_views_transaction_rolled_back():
    """The middleware writes after the view, so the entry commits even though the
    view's own writes were rolled back (amhe.core.audit's note); the app must not
    wrap requests in one transaction for this to hold."""
    assert not any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values())
    project = ProjectFactory()
    user = MembershipFactory(project=project, role=Role.VIEWER).user

    def view(request):
        with transaction.atomic():
            Population.objects.create(organisation=project.organisation, name="Written, then rolled back")
            raise PermissionDenied("not for you")

    request = RequestFactory().post("/")
    request.user = user
    request.resolver_match = ResolverMatch(view, (), {"project_id": project.pk, "goal_id": 7}, url_name="goal-edit")
    response = AuditMiddleware(convert_exception_to_response(view))(request)
    assert response.status_code == 403
    assert not Population.objects.filter(name="Written, then rolled back").exists()
    refused = only(A.REFUSED_403, user=user)
    assert (refused.project_id, refused.object_kind, refused.object_id) == (project.pk, "goal", "7")


# --- Uploads, deletions ------------------------------------------------------------------------


def test_an_upload_is_logged_without_its_file_name(client, project, member_of, django_capture_on_commit_callbacks):
    analyst = member_of(project, Role.ANALYST)
    client.force_login(analyst)
    url = reverse("identify:extract-new", kwargs={"project_id": project.pk})
    data = b"ethnicity,count\nA,10\nB,12\n"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url, {"file": SimpleUploadedFile("Jane-Smith-referrals.csv", data), "kind": "service_use", "title": ""}
        )
    assert response.status_code == 302
    extract = project.extracts.get()
    uploaded = only(A.UPLOAD, user=analyst)
    assert (uploaded.project_id, uploaded.object_kind, uploaded.object_id) == (project.pk, "extract", str(extract.pk))
    assert uploaded.detail == f"service_use, {len(data)} bytes"
    assert "Jane" not in all_text(uploaded)


def test_a_deletion_is_logged_with_its_project_found_through_its_links(project, lead):
    from deliver.risks import services as risks
    from research.plans import services as plans

    risk = RiskFactory(project=project)
    risk_id = risk.pk
    risks.risk_delete(by=lead, risk=risk)
    deleted = only(A.DELETE, object_kind="risk")
    assert (deleted.user_id, deleted.project_id, deleted.object_id) == (lead.pk, project.pk, str(risk_id))
    node = DiagramNodeFactory(diagram=DiagramFactory(project=project))  # a node's project is its diagram's
    node_id = node.pk
    plans.node_delete(by=lead, node=node)
    assert only(A.DELETE, object_kind="diagramnode").project_id == project.pk
    assert only(A.DELETE, object_kind="diagramnode").object_id == str(node_id)


def test_an_organisations_record_is_logged_for_the_organisation(project, lead):
    from identify.community import services as community

    asset = CommunityAssetFactory(organisation=project.organisation)
    community.asset_delete(by=lead, asset=asset)
    deleted = only(A.DELETE, object_kind="communityasset")
    assert (deleted.project_id, deleted.organisation_id) == (None, project.organisation_id)


def test_a_deletion_that_rolls_back_leaves_no_entry(project, lead):
    from deliver.risks import services as risks

    risk = RiskFactory(project=project)
    risk_id = risk.pk

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        risks.risk_delete(by=lead, risk=risk)
        raise Boom
    assert not entries(A.DELETE)
    assert type(risk).objects.filter(pk=risk_id).exists()


def test_the_confirm_delete_page_logs_the_deletion(client, project, lead):
    risk = RiskFactory(project=project)
    client.force_login(lead)
    url = reverse("deliver:risk-delete", kwargs={"project_id": project.pk, "risk_id": risk.pk})
    assert client.post(url).status_code == 302
    assert only(A.DELETE, object_kind="risk").user_id == lead.pk


# --- Exports, downloads, reports ---------------------------------------------------------------


def test_an_export_and_a_download(client, project, lead):
    client.force_login(lead)
    response = client.get(reverse("identify:assets-csv", kwargs={"project_id": project.pk}))
    assert response.status_code == 200
    exported = only(A.EXPORT, user=lead)
    assert (exported.project_id, exported.detail) == (project.pk, "GET identify:assets-csv")
    diagram = DiagramFactory(project=project)
    response = client.get(reverse("research:diagram-svg", kwargs={"project_id": project.pk, "diagram_id": diagram.pk}))
    assert response.status_code == 200
    downloaded = only(A.DOWNLOAD, user=lead)
    assert (downloaded.object_kind, downloaded.object_id) == ("diagram", str(diagram.pk))
    assert len(entries(A.EXPORT)) == 1  # an ordinary page is not an export
    client.get(reverse("core:project", kwargs={"project_id": project.pk}))
    assert AuditEvent.objects.filter(action__in=[A.EXPORT, A.DOWNLOAD]).count() == 2


def test_a_report_built_and_downloaded(client, project, governance):
    from reports import services as reports

    report = reports.report_request(by=governance, project=project, format="csv")
    reports.report_build(report_id=report.pk)
    built = only(A.REPORT_BUILT)
    assert (built.user_id, built.project_id, built.object_kind, built.object_id) == (
        governance.pk,
        project.pk,
        "report",
        str(report.pk),
    )
    assert built.detail.startswith("csv, ")
    client.force_login(governance)
    url = reverse("reports:download", kwargs={"project_id": project.pk, "report_id": report.pk})
    assert client.get(url).status_code == 200
    downloaded = only(A.REPORT_DOWNLOADED, user=governance)
    assert (downloaded.object_kind, downloaded.object_id) == ("report", str(report.pk))
    assert not entries(A.EXPORT) and not entries(A.DOWNLOAD)  # one entry for it, not two


def test_a_report_emailed_once_per_email_sent(project, member_of, settings, mailoutbox):
    """A scheduled report's email (reports.services._email_one) is logged in the
    transaction that sends it: a send that fails leaves no entry, the next one does."""
    import smtplib
    from unittest import mock

    from reports import services as reports
    from tests.integration.test_report_schedules import _next_first, run_jobs, schedule_of

    settings.AMHE_BASE_URL = "https://amhe.example.nhs.uk/"
    governance = member_of(project, Role.GOVERNANCE)
    analyst = member_of(project, Role.ANALYST)
    schedule_of(project, governance, formats=["csv"], day=1, recipients=[analyst])
    day = _next_first()
    reports.schedules_run_due(day=day)
    with mock.patch("reports.services.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        run_jobs(project.reports.all())
    assert not entries(A.REPORT_EMAILED)
    reports.schedules_run_due(day=day + datetime.timedelta(days=1))
    assert [e.to for e in mailoutbox] == [[analyst.email]]
    emailed = only(A.REPORT_EMAILED)
    assert (emailed.user_id, emailed.project_id, emailed.object_kind, emailed.detail) == (
        governance.pk,
        project.pk,
        "scheduledrun",
        f"to account {analyst.pk}: csv",
    )
    assert "@" not in all_text(emailed)
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit.record(action="emailed_everyone")


# --- API reads, role and settings changes, purges ----------------------------------------------


def test_an_api_read_names_the_token_not_its_secret(client, project, governance):
    from api import services as api_services

    membership = Membership.objects.get(user=governance, project=project)
    token, secret = api_services.create_token(by=governance, membership=membership, name="Power BI")
    response = client.get(
        reverse("api-v1:goals", kwargs={"project_id": project.pk}), HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    read = only(A.API_READ)
    assert (read.user_id, read.token_id, read.token_prefix, read.project_id, read.outcome, read.object_kind) == (
        governance.pk,
        token.pk,
        token.prefix,
        project.pk,
        "200",
        "api:goals",
    )
    assert secret not in all_text(read)
    # The tokens page shows the reads from the audit log, to governance leads.
    client.force_login(governance)
    page = client.get(reverse("api:tokens", kwargs={"project_id": project.pk})).content.decode()
    assert read.detail in page and "Power BI" in page


def test_role_changes(project, lead):
    colleague = UserFactory(organisation=project.organisation)
    membership = core_services.membership_set(by=lead, project=project, user=colleague, role=Role.VIEWER)
    core_services.membership_change_role(by=lead, membership=membership, role=Role.ANALYST)
    core_services.membership_change_role(by=lead, membership=membership, role=Role.ANALYST)  # no change: no entry
    membership_id = membership.pk
    core_services.membership_remove(by=lead, membership=membership)
    details = [e.detail for e in entries(A.ROLE_CHANGE, user=lead, project=project)]
    assert details == [
        f"account {colleague.pk} added as viewer",
        f"account {colleague.pk} viewer -> analyst",
        f"account {colleague.pk} removed (was analyst)",
    ]
    assert {e.object_id for e in entries(A.ROLE_CHANGE)} == {str(membership_id)}


def test_starting_a_project_and_its_next_cycle_are_role_changes(project, lead):
    """Whoever starts a project becomes its lead, and a next cycle carries everyone's role
    over: each is a role change in the log, like any other."""
    organisation = project.organisation
    first = core_services.project_create(by=lead, organisation=organisation, name="Crisis care", area="Leeds")
    analyst = UserFactory(organisation=organisation)
    core_services.membership_set(by=lead, project=first, user=analyst, role=Role.ANALYST)
    second = core_services.project_next_cycle(by=lead, previous=first)
    started = [(e.project_id, e.detail) for e in entries(A.ROLE_CHANGE, user=lead)]
    assert started == [
        (first.pk, f"account {lead.pk} added as lead (started the project)"),
        (first.pk, f"account {analyst.pk} added as analyst"),
        (second.pk, f"account {lead.pk} added as lead (started the project)"),
        (second.pk, f"account {analyst.pk} added as analyst (carried from the previous cycle)"),
    ]
    carried = Membership.objects.get(project=second, user=analyst)
    assert entries(A.ROLE_CHANGE)[-1].object_id == str(carried.pk)


def test_a_settings_change_in_the_admin(client, project):
    admin = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(admin)
    organisation = project.organisation
    url = reverse("admin:core_organisation_change", args=[organisation.pk])
    data = {"name": organisation.name, "kind": organisation.kind, "ods_code": "", "suppression_rule": "nhs_lt10"}
    data |= {field: getattr(organisation, field) for field in core_services.RETENTION_FIELDS}
    assert client.post(url, data).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).suppression_rule == "nhs_lt10"
    changed = only(A.SETTINGS_CHANGE)
    assert (changed.user_id, changed.organisation_id, changed.detail) == (
        admin.pk,
        organisation.pk,
        "suppression_rule: nhs -> nhs_lt10",
    )
    assert client.post(url, data).status_code == 302  # saved again unchanged: nothing to log
    assert len(entries(A.SETTINGS_CHANGE)) == 1


def test_the_purge_is_the_one_way_out_and_is_logged(project, lead, other_org_user):
    long_ago = timezone.now() - datetime.timedelta(days=3650)
    old = AuditEvent.objects.create(action=A.EXPORT, at=long_ago, organisation=project.organisation)
    elsewhere = AuditEvent.objects.create(action=A.EXPORT, at=long_ago, organisation=other_org_user.organisation)
    kept = audit.record(action=audit.EXPORT, user=lead, project=project)
    cutoff = timezone.now() - datetime.timedelta(days=365)
    assert audit.purge_before(cutoff=cutoff, by=lead, organisation=project.organisation) == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk__in=[kept.pk, elsewhere.pk]).count() == 2
    purge = only(A.PURGE)
    assert (purge.user_id, purge.organisation_id, purge.detail) == (
        lead.pk,
        project.organisation_id,
        f"1 audit entries before {cutoff:%Y-%m-%d} removed",
    )


# --- Append-only -------------------------------------------------------------------------------


def test_the_log_is_append_only_in_python(project, lead):
    event = audit.record(action=audit.EXPORT, user=lead, project=project)
    event.detail = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    for change in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail="changed"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update([event], ["detail"]),
        lambda: AuditEvent.objects.update_or_create(pk=event.pk, defaults={"detail": "changed"}),
    ):
        with pytest.raises(AppendOnlyError):
            change()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == "" and stored.action == A.EXPORT


def test_the_log_outlives_the_account_and_project_it_names(project, lead):
    event = audit.record(action=audit.EXPORT, user=lead, project=project)
    colleague = UserFactory(organisation=project.organisation)
    audit.record(action=audit.SIGN_IN, user=colleague)
    colleague_id = colleague.pk
    colleague.delete()  # no cascade into the log, and no UPDATE of it (the trigger would refuse one)
    assert AuditEvent.objects.filter(user_id=colleague_id).count() == 1
    assert AuditEvent.objects.get(pk=event.pk).project_id == project.pk


def test_the_admin_is_read_only(client, project, lead):
    event = audit.record(action=audit.EXPORT, user=lead, project=project)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200  # view only
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"detail": "changed"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


# --- The governance leads' page ----------------------------------------------------------------


def log_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("audit:log") + (f"?{query}" if query else "")


def test_the_page_shows_the_organisations_entries_only(client, project, governance, lead, other_org_user):
    audit.record(action=audit.EXPORT, user=lead, project=project, object_kind="extract", object_id="e-1")
    other_project = other_org_user.memberships.get().project
    audit.record(action=audit.EXPORT, user=other_org_user, project=other_project, detail="elsewhere")
    client.force_login(governance)
    response = client.get(log_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "extract e-1" in html and lead.full_name in html
    assert "elsewhere" not in html and other_org_user.full_name not in html
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_the_filters(client, project, governance, lead):
    second = ProjectFactory(organisation=project.organisation)
    analyst = MembershipFactory(
        project=second, role=Role.ANALYST, user=UserFactory(organisation=project.organisation)
    ).user
    audit.record(action=audit.EXPORT, user=lead, project=project, detail="lead export")
    audit.record(action=audit.UPLOAD, user=analyst, project=second, detail="analyst upload")
    audit.record(action=audit.DELETE, user=lead, project=second, detail="lead deletion")
    client.force_login(governance)

    def shown(**params) -> set[str]:
        response = client.get(log_url(**params))
        assert response.status_code == 200
        return {row["event"].detail for row in response.context["rows"]} - {""}

    assert shown() == {"lead export", "analyst upload", "lead deletion"}
    assert shown(action="upload") == {"analyst upload"}
    assert shown(user=lead.pk) == {"lead export", "lead deletion"}
    assert shown(project=second.pk) == {"analyst upload", "lead deletion"}
    assert shown(project=second.pk, user=lead.pk) == {"lead deletion"}
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert shown(since_day=today.day, since_month=today.month, since_year=today.year) >= {"lead export"}
    assert shown(since_day=tomorrow.day, since_month=tomorrow.month, since_year=tomorrow.year) == set()
    yesterday = today - datetime.timedelta(days=1)
    assert shown(until_day=yesterday.day, until_month=yesterday.month, until_year=yesterday.year) == set()


def test_a_bad_filter_says_what_to_do(client, project, governance):
    client.force_login(governance)
    response = client.get(log_url(since_day=31, since_month=2, since_year=2026, action="upload"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "From must be a real date" in html
    today = timezone.localdate()
    later = today - datetime.timedelta(days=3)
    response = client.get(
        log_url(
            since_day=today.day,
            since_month=today.month,
            since_year=today.year,
            until_day=later.day,
            until_month=later.month,
            until_year=later.year,
        )
    )
    assert "must be the same as or after" in response.content.decode()


def test_pagination(client, project, governance, lead):
    from amhe.auditlog.views import EVENTS_PER_PAGE

    for number in range(EVENTS_PER_PAGE + 3):
        audit.record(action=audit.EXPORT, user=lead, project=project, detail=f"export {number}")
    client.force_login(governance)
    first = client.get(log_url(action="export"))
    assert len(first.context["rows"]) == EVENTS_PER_PAGE
    assert first.context["rows"][0]["event"].detail == f"export {EVENTS_PER_PAGE + 2}"  # newest first
    second = client.get(log_url(action="export", page=2))
    assert [row["event"].detail for row in second.context["rows"]] == ["export 2", "export 1", "export 0"]
    assert "page=2" in first.content.decode() and "action=export" in first.content.decode()


def test_the_csv_is_filtered_and_safe_to_open(client, governance, project):
    hostile_org = OrganisationFactory(name="Hostile Trust")
    hostile_project = ProjectFactory(organisation=hostile_org, name=HOSTILE[0])
    reader = MembershipFactory(
        project=hostile_project, role=Role.GOVERNANCE, user=UserFactory(organisation=hostile_org)
    ).user
    for number, text in enumerate(HOSTILE):
        person = UserFactory(organisation=hostile_org, full_name=text)
        audit.record(
            action=audit.EXPORT,
            user=person,
            project=hostile_project,
            object_kind=text,
            object_id=text,
            outcome=text,
            detail=text,
        )
        audit.record(action=audit.UPLOAD, user=person, project=hostile_project, detail=f"upload {number}")
    client.force_login(reader)
    response = client.get(reverse("audit:csv") + "?action=export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:3] == ["When (UTC)", "Kind", "Account id"]
    body = rows[1:]
    assert len(body) == len(HOSTILE)  # the filter applies: exports only
    assert {row[1] for row in body} == {"Export"}
    cells = [cell for row in body for cell in row]
    assert all("HOSTILE" in row[3] and "HOSTILE" in row[10] for row in body)  # the values reached the file
    assert not [cell for cell in cells if runnable(cell)]
    # Downloading the log is itself in the log; nothing of the other organisation's is in this file.
    assert only(A.EXPORT, user=reader).detail == "GET audit:csv"
    assert str(project.pk) not in {row[5] for row in body}


def test_the_csv_streams_in_small_pieces_and_stays_safe(client, governance, project, lead):
    """Thousands of entries: the file is sent as it is read (rows from an iterator, a piece at a
    time), not built whole in memory, and every cell is still safe; the filter still applies,
    and the file holds the entries there were when it was asked for."""
    from amhe.auditlog.views import CSV_ROWS_PER_PIECE

    many = 5 * CSV_ROWS_PER_PIECE + 7
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            action=A.EXPORT,
            at=now - datetime.timedelta(seconds=number),
            user=lead,
            organisation=project.organisation,
            project=project,
            object_kind=HOSTILE[number % len(HOSTILE)],
            detail=HOSTILE[number % len(HOSTILE)],
        )
        for number in range(many)
    )
    audit.record(action=audit.UPLOAD, user=lead, project=project, detail="not an export")
    client.force_login(governance)
    response = client.get(reverse("audit:csv") + "?action=export")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment") and "no-store" in response["Cache-Control"]
    pieces = list(response.streaming_content)
    text = b"".join(pieces).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "When (UTC)" and len(rows) - 1 == many  # not this download's own entry
    assert {row[1] for row in rows[1:]} == {"Export"}
    assert all("HOSTILE" in row[10] for row in rows[1:])
    assert not [cell for row in rows[1:] for cell in row if runnable(cell)]
    assert len(pieces) >= many // CSV_ROWS_PER_PIECE
    assert max(len(piece) for piece in pieces) < len(text.encode()) / 4


def test_governance_leads_find_the_log_from_their_home_page(client, project, governance, lead):
    client.force_login(governance)
    assert reverse("audit:log") in client.get(reverse("core:home")).content.decode()
    client.force_login(lead)
    assert reverse("audit:log") not in client.get(reverse("core:home")).content.decode()


def test_the_retention_purge_removes_old_entries_through_the_one_way_out(project):
    from amhe.core import retention

    organisation = project.organisation
    old = AuditEvent.objects.create(
        action=A.EXPORT,
        at=timezone.now() - datetime.timedelta(days=organisation.retain_audit_days + 1),
        organisation=organisation,
    )
    recent = audit.record(action=audit.EXPORT, project=project)
    assert retention.expired_counts(organisation=organisation)["audit"] == {str(organisation.pk): 1}
    run = retention.purge(organisation=organisation)
    assert run.counts["audit"] == {str(organisation.pk): 1}
    assert not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=recent.pk).exists()
    assert only(A.PURGE).organisation_id == organisation.pk


def test_a_retention_settings_change_is_logged(project, governance):
    before = project.organisation.retain_audit_days
    core_services.organisation_retention_update(
        by=governance, organisation=project.organisation, retain_audit_days=before + 30
    )
    changed = only(A.SETTINGS_CHANGE)
    assert (changed.user_id, changed.organisation_id, changed.detail) == (
        governance.pk,
        project.organisation_id,
        f"retain_audit_days: {before} -> {before + 30}",
    )
