"""Reads for progress reports: the access helpers, the project's list, and who a
monthly schedule may email."""

import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from amhe.core import access
from amhe.core.access import Action, role_can
from amhe.core.models import Membership, Project, Role
from reports.models import Report, Schedule, ScheduledRun


def report_for(user, project_id, report_id, action: Action = Action.BUILD_REPORTS):
    """(project, membership, report): 404 outside the project, 403 if the role may not."""
    project, membership = access.get_project_for_user(user, project_id, action)
    report = get_object_or_404(
        Report.objects.select_related("job", "made_by", "run__schedule"), pk=report_id, project=project
    )
    return project, membership, report


def schedule_for(user, project_id, schedule_id, action: Action = Action.BUILD_REPORTS):
    """(project, membership, schedule): 404 outside the project or once cancelled, 403 if
    the role may not."""
    project, membership = access.get_project_for_user(user, project_id, action)
    schedule = get_object_or_404(Schedule, pk=schedule_id, project=project, cancelled_at__isnull=True)
    return project, membership, schedule


def reports(project) -> QuerySet[Report]:
    return Report.objects.filter(project=project).select_related("job", "made_by", "run")


def schedules(project) -> QuerySet[Schedule]:
    """The project's schedules that are not cancelled, oldest first."""
    return (
        Schedule.objects.filter(project=project, cancelled_at__isnull=True)
        .select_related("created_by")
        .prefetch_related("recipients__user")
    )


def reader_roles() -> list[str]:
    """The roles that may read (and so be emailed) progress reports."""
    return [role for role in Role.values if role_can(role, Action.BUILD_REPORTS)]


def may_receive(project) -> QuerySet[Membership]:
    """The members of `project` a schedule may email: a role that may read reports, an
    active account with an email address."""
    return (
        Membership.objects.filter(project=project, role__in=reader_roles(), user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def recipients_to_email(run: ScheduledRun) -> QuerySet[Membership]:
    """A run's recipients who may still read reports and have not had its email yet."""
    emailed = run.emails.values("user_id")
    return (
        may_receive(run.schedule.project_id)
        .filter(pk__in=run.schedule.recipients.values("pk"))
        .exclude(user_id__in=emailed)
    )


def schedules_to_run(period: datetime.date) -> QuerySet[Schedule]:
    """Schedules not cancelled, of projects not archived, with no run for `period` yet."""
    return (
        Schedule.objects.filter(cancelled_at__isnull=True)
        .exclude(project__status=Project.Status.ARCHIVED)
        .exclude(runs__period=period)
        .select_related("project")
        .order_by("pk")
    )


def made_this_month(schedule_ids, period: datetime.date) -> set[int]:
    return set(
        ScheduledRun.objects.filter(schedule_id__in=schedule_ids, period=period).values_list("schedule_id", flat=True)
    )
