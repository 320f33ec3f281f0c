"""Reads of core settings that every step app shares.

Step apps read organisation settings through these functions, never through
the model fields, so that a default or a fallback is decided in one place.
"""

from django.db.models import Q

from amhe import stats
from amhe.core.models import AuditEvent, Project, User
from amhe.stats import SuppressionRule


def suppression_rule_for(project) -> SuppressionRule:
    """The small-number suppression rule of the project's organisation.

    The NHS Digital rule unless the organisation chose another in the admin; an
    unknown key (a rule since withdrawn) also falls back to the NHS rule, so a
    figure is never shown unprotected by mistake.
    """
    return stats.RULES.get(project.organisation.suppression_rule, stats.RULES["nhs"])


# --- The audit log -------------------------------------------------------------------


def audit_events(organisation, *, action="", user_id=None, project_id=None, since=None, until=None):
    """The organisation's audit entries, newest first, filtered; `since` and `until`
    are dates, both included (in the app's time zone)."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("user", "project")
    if action:
        events = events.filter(action=action)
    if user_id:
        events = events.filter(user_id=user_id)
    if project_id:
        events = events.filter(project_id=project_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


def audit_accounts(organisation):
    """Accounts to filter the organisation's audit log by: its own, and any other
    account that has an entry in it (someone from elsewhere refused on its projects)."""
    others = AuditEvent.objects.filter(organisation=organisation, user__isnull=False).values("user_id")
    return User.objects.filter(Q(organisation=organisation) | Q(pk__in=others)).order_by("full_name", "pk")


def audit_projects(organisation):
    return Project.objects.filter(organisation=organisation).order_by("name", "cycle_number")
