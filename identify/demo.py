"""Demo data for Identify 1A: each demo project gets the Leeds population
(ONS 2011 Census) and the synthetic crisis referrals extract, processed
through the same services and jobs as a real upload."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from amhe.core import services as core_services
from amhe.core.demo import demo_loader
from amhe.core.models import Role
from identify import services
from identify.models import Extract

DATA = Path(__file__).resolve().parent / "data" / "demo"
POPULATION_TITLE = "Leeds population by ethnic group (Census 2011)"
REFERRALS_TITLE = "Crisis referrals 2024-25 (synthetic demo data)"


def upload_and_process(*, project, analyst, path: Path, title: str, kind: str, population=None) -> Extract:
    extract = Extract.objects.filter(project=project, title=title).first()
    if extract is not None and extract.state == Extract.State.READY:
        return extract
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    extract = services.extract_upload(by=analyst, project=project, uploaded_file=upload, title=title, kind=kind)
    core_services.job_run(job_id=extract.job_id)  # the reading job, run here rather than on a worker
    extract.refresh_from_db()
    services.extract_confirm_mapping(
        by=analyst,
        extract=extract,
        mapping=extract.suggested_mapping,
        population=population,
        reference_groups={},
        confidence="0.95",
    )
    extract.refresh_from_db()
    core_services.job_run(job_id=extract.job_id)
    extract.refresh_from_db()
    return extract


@demo_loader
def load_identify_demo(*, project, users, stdout):
    if project.area != "Leeds":
        return  # the shipped population and extract describe Leeds
    analyst = users[Role.ANALYST]
    population = upload_and_process(
        project=project,
        analyst=analyst,
        path=DATA / "leeds_population_by_ethnicity_census2011.csv",
        title=POPULATION_TITLE,
        kind=Extract.Kind.POPULATION,
    )
    referrals = upload_and_process(
        project=project,
        analyst=analyst,
        path=DATA / "leeds_crisis_referrals_demo.csv",
        title=REFERRALS_TITLE,
        kind=Extract.Kind.SERVICE_USE,
        population=population,
    )
    stdout.write(f"  {project.name}: Identify data {referrals.state} ({referrals.row_count} rows)")


@demo_loader
def load_communities_demo(*, project, users, stdout):
    """1B: a survey with answers, focus groups, community input and assets (Leeds only, like its text)."""
    if project.area != "Leeds":
        return
    from identify import demo_communities

    demo_communities.load(project=project, users=users, stdout=stdout)
