"""Audit of refused requests and of downloads, for every view at once.

:class:`AuditMiddleware` looks at each answer to a signed-in user once the view has
finished (so every transaction the view opened is already over, and the entry
commits at once, see amhe.core.audit):

- a 403 anywhere, and a 404 from a URL that names a project object (any ``*_id``
  in the URL: another project's objects, or one that does not exist), are
  ``refused_403`` and ``refused_404``;
- a file sent as an attachment is an ``export`` (files made from the project's data
  by amhe.analysis.downloads.attachment, which marks them), a ``report_downloaded``
  (a built report, marked by its view) or a ``download`` (a stored file).

The object is the URL's most specific ``*_id`` (e.g. ``goal`` 12), the detail the
method and the URL's name: never the query string, a secret link's token or a
file name. Anonymous visitors are not logged here (login pages and public token
links; sign-in attempts are logged through signals), nor the read-only API, which
logs each read itself (``api_read``).
"""

from __future__ import annotations

from amhe.core import audit
from amhe.core.models import Project

SKIPPED_NAMESPACES = ("api-v1",)


def _object(kwargs: dict) -> tuple[str, str]:
    named = [(key, value) for key, value in kwargs.items() if key.endswith("_id") and key != "project_id"]
    if named:
        key, value = named[-1]
        return key[: -len("_id")], str(value)
    if "project_id" in kwargs:
        return "project", str(kwargs["project_id"])
    return "", ""


def _project(kwargs: dict):
    project_id = kwargs.get("project_id")
    if project_id is None:
        return None
    return Project.objects.filter(pk=project_id).only("pk", "organisation_id").first()


def audited_action(response) -> str | None:
    """The audit action for this answer, or None when it is not audited."""
    status = response.status_code
    if status == 403:
        return audit.REFUSED_403
    if status == 404:
        return audit.REFUSED_404
    if 200 <= status < 300 and response.get("Content-Disposition", "").startswith("attachment"):
        return getattr(response, "audit_action", None) or audit.DOWNLOAD
    return None


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        self.audit(request, response)
        return response

    def audit(self, request, response) -> None:
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is None or not user.is_authenticated or match is None:
            return
        if match.namespace and match.namespace.split(":")[0] in SKIPPED_NAMESPACES:
            return
        action = audited_action(response)
        if action is None:
            return
        kind, object_id = _object(match.kwargs)
        if action == audit.REFUSED_404 and not kind:
            return  # a 404 that names no project object (a mistyped page)
        project = _project(match.kwargs)
        audit.record(
            action=action,
            user=user,
            project=project,
            object_kind=kind,
            object_id=object_id,
            outcome=str(response.status_code) if action in (audit.REFUSED_403, audit.REFUSED_404) else "ok",
            detail=f"{request.method} {match.view_name}",
        )
