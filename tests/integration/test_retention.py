"""Retention and destruction (amhe.core.retention): each organisation's periods, the
dry run, the purge (files through storage, rows with their history) and its daily job,
and the organisation settings page where governance leads change the periods."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from amhe.core import retention
from amhe.core import services as core_services
from amhe.core.models import Job, Organisation, PurgeRun, Role
from amhe.core.tasks import queue_retention_purge
from amhe.surveys.models import Answer, Survey, SurveyResponse
from deliver.models import Risk
from identify.models import Breakdown, Extract
from reports.models import Report
from tests.factories import (
    AnswerFactory,
    BreakdownFactory,
    ExtractFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RiskFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {"record_level", "abandoned_responses", "reports", "history", "audit"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def stored(name: str, content: bytes = b"rows") -> str:
    """A file saved through the storage API; its storage name."""
    return default_storage.save(name, ContentFile(content))


class Org:
    """One organisation's data: for each kind, one item past its period and one not."""

    def __init__(self, name: str):
        self.organisation = OrganisationFactory(name=name)
        project = ProjectFactory(organisation=self.organisation)
        self.project = project
        # Record-level data: defaults keep it 180 days after the upload.
        self.old_extract = ExtractFactory(project=project, table_path=stored("identify/tables/old.parquet"))
        Extract.objects.filter(pk=self.old_extract.pk).update(created_at=days_ago(181))
        self.breakdown = BreakdownFactory(extract=self.old_extract)
        self.new_extract = ExtractFactory(project=project, table_path=stored("identify/tables/new.parquet"))
        Extract.objects.filter(pk=self.new_extract.pk).update(created_at=days_ago(179))
        # Unfinished responses: 30 days after the survey closed.
        closed_long_ago = SurveyFactory(project=project, state=Survey.State.PUBLISHED, closes_at=days_ago(31))
        self.abandoned = SurveyResponseFactory(survey=closed_long_ago)
        self.abandoned_answer = AnswerFactory(response=self.abandoned)
        self.sent = SurveyResponseFactory(
            survey=closed_long_ago, state=SurveyResponse.State.SUBMITTED, submitted_on=days_ago(40).date()
        )
        closed_lately = SurveyFactory(project=project, state=Survey.State.PUBLISHED, closes_at=days_ago(29))
        self.recently_abandoned = SurveyResponseFactory(survey=closed_lately)
        by_hand = SurveyFactory(project=project, state=Survey.State.PUBLISHED)
        self.abandoned_by_hand = SurveyResponseFactory(survey=by_hand)
        by_hand.state = Survey.State.CLOSED
        by_hand.save()  # a history row saying it was closed, dated below
        Survey.history.filter(id=by_hand.pk).update(history_date=days_ago(45))
        still_open = SurveyFactory(project=project, state=Survey.State.PUBLISHED)
        self.in_progress = SurveyResponseFactory(survey=still_open)
        # Reports: 365 days after they were made.
        self.old_report = Report.objects.create(project=project, format="pdf")
        self.old_report.file.save("old.pdf", ContentFile(b"%PDF old"))
        Report.objects.filter(pk=self.old_report.pk).update(made_at=days_ago(366))
        self.new_report = Report.objects.create(project=project, format="pdf")
        self.new_report.file.save("new.pdf", ContentFile(b"%PDF new"))
        Report.objects.filter(pk=self.new_report.pk).update(made_at=days_ago(364))
        # Change history: six years (2,190 days) after each change.
        self.old_risk = RiskFactory(project=project)
        self.old_risk.title = "Changed"
        self.old_risk.save()
        Risk.history.filter(id=self.old_risk.pk).update(history_date=days_ago(2191))
        self.new_risk = RiskFactory(project=project)
        Risk.history.filter(id=self.new_risk.pk).update(history_date=days_ago(2189))
        self.expected = {"record_level": 1, "abandoned_responses": 2, "reports": 1, "history": 2}


@pytest.fixture
def two():
    return Org("North ICB"), Org("South ICB")


def snapshot() -> dict:
    return {
        "extracts": sorted(Extract.objects.values_list("pk", "table_path", "upload_path")),
        "responses": sorted(SurveyResponse.objects.values_list("pk", flat=True)),
        "answers": Answer.objects.count(),
        "reports": sorted(Report.objects.values_list("pk", flat=True)),
        "risk_history": Risk.history.count(),
        "survey_history": Survey.history.count(),
        "breakdowns": Breakdown.objects.count(),
    }


def test_defaults_are_safe_and_every_kind_is_registered():
    organisation = Organisation.objects.create(name="New Trust", kind="trust")
    assert organisation.retain_record_level_days == 180
    assert organisation.retain_abandoned_responses_days == 30
    assert organisation.retain_reports_days == 365
    assert organisation.retain_history_days == 6 * 365
    assert organisation.retain_audit_days == 6 * 365
    assert KINDS <= {kind.key for kind in retention.kinds()}
    # Every historised model of the app is traced to an organisation, so none is forgotten,
    # through its project rather than an optional key or a person.
    paths = {model._meta.label: path for model, _, path in retention.history_models()}
    historised = {m._meta.label for m in apps.get_models() if m._meta.db_table in registered_models}
    assert set(paths) == historised
    assert {"deliver.Risk", "surveys.Survey", "core.Membership", "deliver.ActionUpdate"} <= historised
    assert paths["surveys.Question"] == "survey__project__organisation_id"  # not its optional bank item
    assert paths["core.SmartGoal"] == "project__organisation_id"  # not its owner's organisation


def test_dry_run_changes_nothing_and_counts_by_kind_and_organisation(two):
    north, south = two
    before = snapshot()
    run = retention.dry_run()
    assert snapshot() == before
    assert default_storage.exists(north.old_extract.table_path.name)
    assert default_storage.exists(north.old_report.file.name)
    assert run.dry_run and run.finished_at is not None
    for org in (north, south):
        for key, count in org.expected.items():
            assert run.counts[key][str(org.organisation.pk)] == count, (key, org.organisation)
    assert run.total == 2 * sum(north.expected.values())


def test_dry_run_follows_each_organisations_own_settings(two):
    north, south = two
    north.organisation.retain_record_level_days = 170  # the newer upload is now past it too
    north.organisation.retain_history_days = 3000  # no history is
    north.organisation.save()
    counts = retention.expired_counts()
    assert counts["record_level"] == {str(north.organisation.pk): 2, str(south.organisation.pk): 1}
    assert counts["history"] == {str(south.organisation.pk): 2}


def test_purge_removes_files_rows_and_history_and_keeps_what_is_not_due(two):
    north, south = two
    old_table, old_pdf = north.old_extract.table_path.name, north.old_report.file.name
    new_table, new_pdf = north.new_extract.table_path.name, north.new_report.file.name
    run = retention.purge(organisation=north.organisation)
    assert not run.dry_run
    expected = {key: {str(north.organisation.pk): count} for key, count in north.expected.items()}
    assert run.counts == {**expected, "audit": {}}  # no audit entry is that old
    # Files gone from storage; the upload's results and its row stay, without the table.
    assert not default_storage.exists(old_table) and not default_storage.exists(old_pdf)
    assert default_storage.exists(new_table) and default_storage.exists(new_pdf)
    north.old_extract.refresh_from_db()
    assert not north.old_extract.table_path and not north.old_extract.upload_path
    assert Breakdown.objects.filter(pk=north.breakdown.pk).exists()
    # Unfinished responses past their time gone with their answers; the rest stay.
    remaining = set(SurveyResponse.objects.values_list("pk", flat=True))
    assert north.abandoned.pk not in remaining and north.abandoned_by_hand.pk not in remaining
    assert not Answer.objects.filter(pk=north.abandoned_answer.pk).exists()
    assert {north.sent.pk, north.recently_abandoned.pk, north.in_progress.pk} <= remaining
    assert not Report.objects.filter(pk=north.old_report.pk).exists()
    assert Report.objects.filter(pk=north.new_report.pk).exists()
    # History rows past their time gone; the risk itself and newer history stay.
    assert not Risk.history.filter(id=north.old_risk.pk).exists()
    assert Risk.objects.filter(pk=north.old_risk.pk).exists()
    assert Risk.history.filter(id=north.new_risk.pk).count() == 1
    # The other organisation is untouched.
    assert default_storage.exists(south.old_extract.table_path.name)
    assert SurveyResponse.objects.filter(pk=south.abandoned.pk).exists()
    assert Risk.history.filter(id=south.old_risk.pk).count() == 2
    # Nothing more is due for the purged organisation.
    assert (
        sum(sum(by_org.values()) for by_org in retention.expired_counts(organisation=north.organisation).values()) == 0
    )


def test_deleting_a_historised_row_takes_its_history_with_it(project):
    risk = RiskFactory(project=project)
    risk.title = "Changed"
    risk.save()
    kept = RiskFactory(project=project)
    assert Risk.history.filter(id=risk.pk).count() == 2
    assert retention.delete_with_history(Risk.objects.filter(pk=risk.pk)) == 1
    # Deleting writes a "deleted" history row; it goes too.
    assert not Risk.history.filter(id=risk.pk).exists()
    assert Risk.history.filter(id=kept.pk).count() == 1
    assert retention.delete_with_history(Risk.objects.none()) == 0


def test_a_file_already_gone_or_outside_storage_is_no_error(tmp_path):
    name = stored("identify/tables/x.parquet")
    retention.delete_file(name)
    retention.delete_file(name)  # again: already gone
    assert not default_storage.exists(name)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not the app's")
    retention.delete_file(str(outside))
    assert outside.exists()  # never outside storage
    inside = default_storage.path(stored("identify/uploads/u.csv"))
    retention.delete_file(inside)  # an absolute path under MEDIA_ROOT, as older uploads kept them
    assert not default_storage.exists("identify/uploads/u.csv")


def test_daily_job_is_idempotent(two, settings):
    north, south = two
    assert django_settings.CELERY_BEAT_SCHEDULE["retention-purge"]["task"] == "core.queue_retention_purge"
    first = Job.objects.get(pk=queue_retention_purge())
    core_services.job_run(job_id=first.pk)
    first.refresh_from_db()
    assert first.state == Job.State.SUCCEEDED, first.error
    run = PurgeRun.objects.get(job=first)
    assert run.trigger == PurgeRun.Trigger.SCHEDULE and not run.dry_run
    assert run.total == first.result["removed"] == 2 * sum(north.expected.values())
    after_first = snapshot()
    # The same job again: finished, so nothing happens.
    core_services.job_run(job_id=first.pk)
    # The same job started again as if its worker had died: the same run, nothing more counted.
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING, heartbeat_at=days_ago(1))
    core_services.job_run(job_id=first.pk)
    first.refresh_from_db()
    assert first.state == Job.State.SUCCEEDED, first.error
    assert PurgeRun.objects.filter(job=first).count() == 1
    assert PurgeRun.objects.get(job=first).total == run.total
    # A second day's job finds nothing and fails on nothing.
    second = Job.objects.get(pk=queue_retention_purge())
    core_services.job_run(job_id=second.pk)
    second.refresh_from_db()
    assert second.state == Job.State.SUCCEEDED, second.error
    assert second.result["removed"] == 0
    assert snapshot() == after_first


def test_purge_command_dry_run_then_purge(two):
    north, south = two
    before = snapshot()
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert snapshot() == before
    assert "nothing was destroyed" in text
    assert f"Unfinished survey responses, organisation {north.organisation.pk}: 2" in text
    assert f"Total: {2 * sum(north.expected.values())}" in text
    # Counts only: no names of organisations, projects or people.
    assert north.organisation.name not in text and north.project.name not in text
    out = StringIO()
    call_command("purge", "--organisation", str(south.organisation.pk), stdout=out)
    assert f"Record-level data from uploads, organisation {south.organisation.pk}: 1" in out.getvalue()
    assert not SurveyResponse.objects.filter(pk=south.abandoned.pk).exists()
    assert SurveyResponse.objects.filter(pk=north.abandoned.pk).exists()
    assert list(PurgeRun.objects.order_by("started_at").values_list("dry_run", flat=True)) == [True, False]


# --- The organisation settings page ------------------------------------------------


def settings_url(organisation) -> str:
    return reverse("core:organisation-settings", kwargs={"organisation_id": organisation.pk})


def governance_lead(org: Org):
    return MembershipFactory(project=org.project, role=Role.GOVERNANCE).user


def test_settings_page_shows_the_dry_run_and_saves_new_periods(client, two):
    north, _ = two
    client.force_login(governance_lead(north))
    page = client.get(settings_url(north.organisation))
    assert page.status_code == 200
    rows = {row["label"]: row["count"] for row in page.context["would_go"]}
    assert rows["Unfinished survey responses"] == 2 and rows["Record-level data from uploads"] == 1
    assert "NHS Digital rule" in page.content.decode()  # the suppression rule is shown
    before = snapshot()
    data = {
        "retain_record_level_days": "90",
        "retain_abandoned_responses_days": "14",
        "retain_reports_days": "30",
        "retain_history_days": "2555",
        "retain_audit_days": "2555",
    }
    response = client.post(settings_url(north.organisation), data)
    assert response.status_code == 302
    north.organisation.refresh_from_db()
    assert north.organisation.retain_record_level_days == 90
    assert north.organisation.retain_reports_days == 30
    assert snapshot() == before  # changing a period destroys nothing by itself
    page = client.get(settings_url(north.organisation))
    rows = {row["label"]: row["count"] for row in page.context["would_go"]}
    assert rows["Generated reports and exports"] == 2  # both reports are older than 30 days


@pytest.mark.parametrize(
    ("value", "message"),
    [("0", "Enter at least 1 day"), ("abc", "Enter a whole number of days"), ("", "Enter a number of days")],
)
def test_settings_page_refuses_bad_periods_and_keeps_the_old_ones(client, two, value, message):
    north, _ = two
    client.force_login(governance_lead(north))
    data = {
        "retain_record_level_days": value,
        "retain_abandoned_responses_days": "14",
        "retain_reports_days": "30",
        "retain_history_days": "2555",
        "retain_audit_days": "2555",
    }
    response = client.post(settings_url(north.organisation), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    north.organisation.refresh_from_db()
    assert north.organisation.retain_record_level_days == 180
    assert north.organisation.retain_abandoned_responses_days == 30


def test_settings_page_is_404_for_another_organisation_and_403_for_other_roles(client, two):
    north, south = two
    client.force_login(governance_lead(south))
    assert client.get(settings_url(north.organisation)).status_code == 404
    assert client.post(settings_url(north.organisation), {"retain_reports_days": "1"}).status_code == 404
    for role in (Role.LEAD, Role.ANALYST, Role.PANEL, Role.VIEWER):
        client.force_login(MembershipFactory(project=north.project, role=role).user)
        assert client.get(settings_url(north.organisation)).status_code == 403, role
        assert client.post(settings_url(north.organisation), {"retain_reports_days": "1"}).status_code == 403
    # An account of the organisation on none of its projects, and a governance lead from
    # another organisation invited onto one of its projects: not theirs to see.
    client.force_login(MembershipFactory(project=ProjectFactory(), role=Role.GOVERNANCE).user)
    assert client.get(settings_url(north.organisation)).status_code == 404
    outsider = governance_lead(south)
    MembershipFactory(project=north.project, user=outsider, role=Role.GOVERNANCE)
    client.force_login(outsider)
    assert client.get(settings_url(north.organisation)).status_code == 404
    north.organisation.refresh_from_db()
    assert north.organisation.retain_reports_days == 365


def test_home_page_links_governance_leads_to_their_organisation_settings(client, two):
    north, _ = two
    url = settings_url(north.organisation)
    client.force_login(governance_lead(north))
    assert url in client.get(reverse("core:home")).content.decode()
    client.force_login(MembershipFactory(project=north.project, role=Role.LEAD).user)
    assert url not in client.get(reverse("core:home")).content.decode()


def test_history_of_a_deleted_project_goes_after_the_longest_period_of_any_organisation(two):
    north, south = two
    south.organisation.retain_history_days = 3000
    south.organisation.save()
    gone = ProjectFactory(organisation=north.organisation)
    risk = RiskFactory(project=gone)
    risk.title = "Changed"
    risk.save()
    Risk.history.filter(id=risk.pk).update(history_date=days_ago(2500))  # past North's period, not South's
    gone.delete()  # the risk goes with it; its history rows stay, tied to no organisation
    assert Risk.history.filter(id=risk.pk).count() == 3  # added, changed, deleted (today)
    assert retention.UNOWNED not in retention.expired_counts()["history"]
    Risk.history.filter(id=risk.pk, history_type="+").update(history_date=days_ago(3001))
    assert retention.expired_counts()["history"][retention.UNOWNED] == 1
    # A purge of one organisation leaves them; a purge of all takes those past every period.
    retention.purge(organisation=north.organisation)
    assert Risk.history.filter(id=risk.pk).count() == 3
    run = retention.purge()
    assert run.counts["history"][retention.UNOWNED] == 1
    assert set(Risk.history.filter(id=risk.pk).values_list("history_type", flat=True)) == {"~", "-"}
    out = StringIO()
    call_command("purge", "--dry-run", stdout=out)
    assert "No organisation" not in out.getvalue() and "organisation none" not in out.getvalue()


def test_a_processing_job_does_not_store_again_a_table_the_purge_destroyed(project):
    """Processing an old upload again (mapped anew, with a column now mapped as the record ID)
    while the purge runs: the job read the table before the purge destroyed it, and must not
    store it again (pseudonymised) afterwards, where it would stay until the next night."""
    import pandas as pd

    from identify import engine
    from identify import jobs as identify_jobs

    table = pd.DataFrame({"Ref": ["A1", "A2"], "EthnicCategory": ["A", "B"]})
    name = "identify/tables/racing.parquet"
    path = django_settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_parquet(path)
    extract = ExtractFactory(
        project=project,
        table_path=name,
        state=Extract.State.PROCESSING,
        columns=["Ref", "EthnicCategory"],
        mapping={"Ref": engine.RECORD_ID, "EthnicCategory": "ethnicity"},
        pseudonymised_columns=[],
    )
    Extract.objects.filter(pk=extract.pk).update(created_at=days_ago(181))
    extract.refresh_from_db()
    raw = identify_jobs._read_table(extract)  # the job has read the table...
    retention.purge(organisation=project.organisation)  # ...the purge destroys it...
    assert not default_storage.exists(name)
    identify_jobs._pseudonymise_record_id(extract, raw)  # ...and the job carries on
    extract.refresh_from_db()
    assert not extract.table_path
    assert not default_storage.listdir("identify/tables")[1]


def test_a_reading_job_does_not_store_the_table_of_an_upload_the_purge_destroyed(project, monkeypatch):
    """An upload still waiting to be read past its organisation's period (workers were down)
    is purged while the job reads it: the job stores no table and the upload fails, saying why."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from amhe.core.jobs import JobError
    from identify import jobs as identify_jobs
    from identify import services as identify_services
    from tests.factories import UserFactory

    extract = identify_services.extract_upload(
        by=UserFactory(),
        project=project,
        uploaded_file=SimpleUploadedFile("late.csv", b"EthnicCategory,Count\nA,10\nB,12\n"),
        title="",
        kind="service_use",
    )
    Extract.objects.filter(pk=extract.pk).update(created_at=days_ago(181))
    reading = identify_jobs.engine.read_extract

    def purged_while_reading(*args, **kwargs):
        result = reading(*args, **kwargs)
        retention.purge(organisation=project.organisation)
        return result

    monkeypatch.setattr(identify_jobs.engine, "read_extract", purged_while_reading)
    with pytest.raises(JobError):
        identify_jobs.read_extract(Job.objects.get(pk=extract.job_id), lambda *args: None)
    extract.refresh_from_db()
    assert extract.state == Extract.State.FAILED and "Upload it again" in extract.error
    assert not extract.table_path and not extract.upload_path
    assert not default_storage.exists("identify/tables") or not default_storage.listdir("identify/tables")[1]
