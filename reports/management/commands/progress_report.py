"""Build a project's progress report without the web app (for scheduled board papers
and for testing), with small-number suppression always on."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from amhe.core.access import Action, role_can
from amhe.core.models import Membership, Project, User
from reports import render, services


class Command(BaseCommand):
    help = "Build the progress report of a project as PDF, Word, Excel or a zip of CSV files."

    def add_arguments(self, parser):
        parser.add_argument("project_id", type=int, help="The project's number (as in its web address).")
        parser.add_argument("--format", required=True, help=f"One of: {', '.join(render.RENDERERS)}.")
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument(
            "--as",
            dest="as_email",
            default="",
            help="Build it as this member of the project (their name goes on the cover); "
            "they must be on the project with a role that may build reports.",
        )

    def handle(self, *args, project_id, format, output, as_email, **options):
        fmt = format.lower()
        if fmt not in render.RENDERERS:
            raise CommandError(f"Unknown format {format!r}: choose one of {', '.join(render.RENDERERS)}.")
        project = Project.objects.select_related("organisation").filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"There is no project {project_id}.")
        user = None
        if as_email:
            user = User.objects.filter(email__iexact=as_email).first()
            membership = Membership.objects.filter(user=user, project=project).first() if user else None
            if membership is None:
                raise CommandError(f"{as_email} is not on project {project_id}.")
            if not role_can(membership.role, Action.BUILD_REPORTS):
                raise CommandError(f"{as_email}'s role on project {project_id} may not build reports.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        data = services.report_bytes(project=project, format=fmt, made_by=user)
        path.write_bytes(data)
        self.stdout.write(f"Wrote the {fmt.upper()} progress report of {project} to {path} ({len(data):,} bytes).")
