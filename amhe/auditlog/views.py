"""The organisation's audit log for its governance leads: filter it, page through
it, download it as CSV (streamed, every cell through csv_safe). Nothing here changes it."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from amhe.analysis.downloads import csv_stream
from amhe.core import access, presenters, selectors
from amhe.core.forms import AuditFilterForm

EVENTS_PER_PAGE = 50
# Rows read from the database and sent in one piece of the streamed CSV.
CSV_ROWS_PER_PIECE = 500
CSV_HEADER = [
    "When (UTC)",
    "Kind",
    "Account id",
    "Account",
    "API token",
    "Project id",
    "Project",
    "Object kind",
    "Object id",
    "Outcome",
    "Detail",
]


def _filtered(request):
    organisation = access.audit_log_organisation(request.user)
    form = AuditFilterForm(
        request.GET or None,
        accounts=selectors.audit_accounts(organisation),
        projects=selectors.audit_projects(organisation),
    )
    filters = form.filters()
    return organisation, form, filters, selectors.audit_events(organisation, **filters)


@never_cache
@require_GET
def audit_log(request):
    organisation, form, filters, events = _filtered(request)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "core/audit_log.html",
        {
            "organisation": organisation,
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "rows": presenters.audit_rows(page.object_list),
            "count": page.paginator.count,
            "page_links": presenters.page_links(page),
            "crumbs": [("Your projects", reverse("core:home"))],
        },
    )


def _csv_rows(events):
    yield CSV_HEADER
    for event in events.iterator(chunk_size=CSV_ROWS_PER_PIECE):
        yield (
            event.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            event.get_action_display(),
            event.user_id or "",
            presenters.audit_account(event),
            event.token_prefix,
            event.project_id or "",
            str(event.project) if event.project else "",
            event.object_kind,
            event.object_id,
            event.outcome,
            event.detail,
        )


@require_GET
def audit_log_csv(request):
    """Streamed as it is read (the log can be long); the entries there were when it was asked
    for, so not this download's own (written as the response leaves the view)."""
    asked_at = timezone.now()
    organisation, form, filters, events = _filtered(request)
    return csv_stream(
        f"audit-log-{timezone.localdate():%Y-%m-%d}.csv",
        _csv_rows(events.filter(at__lte=asked_at)),
        rows_per_piece=CSV_ROWS_PER_PIECE,
    )
