"""The audit log: one append-only record of who did what, when (issue 14 item 6,
issue 15 item 2).

Every kind of event is written with :func:`record`, a one-liner at each hook::

    audit.record(action=audit.DELETE, user=by, project=risk.project, object_kind="risk", object_id=risk.pk)

Who: the account (`user`, or the signed-in user of `request`), or an API token
(`token`: any object with `pk`, `prefix`, `user` and `project`, so the core needs
no API import). The organisation comes from the project, else from the account.
What: `action` (an ``AuditEvent.Action``), the object's kind and id, the outcome,
and a short `detail` that the app writes itself: never form input, a file name, an
email address or a secret link's token. Change history of records (what a field
was before) stays with django-simple-history; this log says that something
happened, not what the data were.

**When an entry is written.** :func:`record` writes at once, on the request's own
database connection:

- Events of an action that changes data (an upload, a deletion, a role change, a
  settings change, a report built) are recorded inside the service's transaction,
  so an entry exists exactly when the action was committed: a deletion that rolls
  back leaves no "deleted" entry behind.
- Refusals (403 and 404) are recorded by :class:`amhe.core.middleware.AuditMiddleware`
  after the view has returned or raised, so every transaction the view opened has
  already been rolled back or committed and the entry is written in autocommit
  mode: a refused request whose own writes were rolled back is still logged. The
  app does not use ``ATOMIC_REQUESTS``, which would break this (a test checks).
- Sign-ins, failed sign-ins, lockouts and sign-outs come from Django's and
  django-axes's signals, sent by the login and logout views outside any
  transaction, so they too commit at once.

A second database connection that commits on its own whatever the caller's
transaction does was considered and not used: on SQLite (development and the
quick tests) a second writer waits on the first one's lock, and in tests it would
write outside the test's transaction.

Nothing here changes or deletes an entry, except :func:`purge_before`, the one
way an entry leaves (for the retention purge), which records a ``purge`` entry of
its own.
"""

from __future__ import annotations

from django.db import connection, transaction

from amhe.core import ownership
from amhe.core.models import AuditEvent

Action = AuditEvent.Action

SIGN_IN = Action.SIGN_IN
SIGN_IN_FAILED = Action.SIGN_IN_FAILED
LOCKOUT = Action.LOCKOUT
SIGN_OUT = Action.SIGN_OUT
REFUSED_403 = Action.REFUSED_403
REFUSED_404 = Action.REFUSED_404
UPLOAD = Action.UPLOAD
DELETE = Action.DELETE
EXPORT = Action.EXPORT
DOWNLOAD = Action.DOWNLOAD
REPORT_BUILT = Action.REPORT_BUILT
REPORT_DOWNLOADED = Action.REPORT_DOWNLOADED
REPORT_EMAILED = Action.REPORT_EMAILED
API_READ = Action.API_READ
ROLE_CHANGE = Action.ROLE_CHANGE
PURGE = Action.PURGE
SETTINGS_CHANGE = Action.SETTINGS_CHANGE
ADD = Action.ADD
CHANGE = Action.CHANGE
SSO_LINKED = Action.SSO_LINKED

DETAIL_LENGTH = AuditEvent._meta.get_field("detail").max_length
OBJECT_KIND_LENGTH = AuditEvent._meta.get_field("object_kind").max_length
OBJECT_ID_LENGTH = AuditEvent._meta.get_field("object_id").max_length
OUTCOME_LENGTH = AuditEvent._meta.get_field("outcome").max_length


def _one_line(text, length: int) -> str:
    return " ".join(str(text or "").split())[:length]


def _account(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def record(
    *,
    action,
    user=None,
    token=None,
    request=None,
    project=None,
    organisation=None,
    object_kind: str = "",
    object_id="",
    outcome: str = "ok",
    detail: str = "",
) -> AuditEvent:
    """Write one audit entry now and return it (see the module's note on transactions)."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if user is None and token is None and request is not None:
        user = getattr(request, "user", None)
    if token is not None:
        if user is None:
            user = getattr(token, "user", None)
        if project is None:
            project = getattr(token, "project", None)
    user = _account(user)
    if organisation is None:
        if project is not None:
            organisation = project.organisation_id
        elif user is not None:
            organisation = user.organisation_id
    return AuditEvent.objects.create(
        action=action,
        user=user,
        token_id=getattr(token, "pk", None),
        token_prefix=_one_line(getattr(token, "prefix", ""), 20),
        organisation_id=getattr(organisation, "pk", organisation),
        project_id=getattr(project, "pk", project),
        object_kind=_one_line(object_kind, OBJECT_KIND_LENGTH),
        object_id=_one_line(object_id, OBJECT_ID_LENGTH),
        outcome=_one_line(outcome, OUTCOME_LENGTH) or "ok",
        detail=_one_line(detail, DETAIL_LENGTH),
    )


@transaction.atomic
def purge_before(*, cutoff, by=None, organisation=None) -> int:
    """Delete the entries older than `cutoff` (of one organisation, or all), for the
    retention purge; the one way an entry leaves the log. Records a ``purge`` entry
    saying how many went. On PostgreSQL the trigger lets these DELETEs through only
    because this transaction says so (SET LOCAL, gone at commit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL amhe.audit_purge = 'on'")
    table = AuditEvent._meta.db_table
    sql = f"DELETE FROM {table} WHERE at < %s"  # noqa: S608 - the table name is the model's own
    params = [connection.ops.adapt_datetimefield_value(cutoff)]
    if organisation is not None:
        sql += " AND organisation_id = %s"
        params.append(getattr(organisation, "pk", organisation))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        removed = cursor.rowcount
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL amhe.audit_purge = 'off'")
    record(
        action=PURGE,
        user=by,
        organisation=organisation,
        object_kind="audit_log",
        outcome="ok",
        detail=f"{removed} audit entries before {cutoff:%Y-%m-%d} removed",
    )
    return removed


def record_role_change(*, by, membership, what: str) -> AuditEvent:
    """`record` a change to who has which role on a project (call it while the membership
    has its id): `what` says what happened to the account's membership, written by the app
    (roles and account ids only)."""
    return record(
        action=ROLE_CHANGE,
        user=by,
        project=membership.project_id,
        organisation=membership.project.organisation_id,
        object_kind="membership",
        object_id=membership.pk,
        detail=f"account {membership.user_id} {what}",
    )


def record_deletion(*, by, instance, project=None, detail: str = "") -> AuditEvent:
    """`record` a deletion of `instance` (call it before deleting, while it has its id):
    its kind is its model's name, its project found from its links unless given."""
    organisation = None
    if project is None:
        project = ownership.project_of(instance)
        if project is None:
            organisation = getattr(instance, "organisation_id", None)
    return record(
        action=DELETE,
        user=by,
        project=project,
        organisation=organisation,
        object_kind=instance._meta.model_name,
        object_id=instance.pk,
        detail=detail,
    )
