"""Starting a download: one place for its headers, so every CSV and Excel file
the app serves (1A breakdowns, survey links, results and responses, the asset
directory) opens the same way and is never kept by a browser or proxy cache
(each holds project data behind a login; some hold record-level details or
secret links). Cell values still go through amhe.analysis.csv_safe."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What the audit log calls a file sent through here (amhe.core.middleware.AuditMiddleware
# reads `response.audit_action`): an export of the project's data, unless the view says
# otherwise (a built report's download is "report_downloaded").
EXPORT = "export"


def attachment(filename: str, *, content_type: str, content: bytes = b"", audit_action: str = EXPORT) -> HttpResponse:
    """A file to save as `filename`, with `Cache-Control: no-store`, marked for the audit log."""
    response = HttpResponse(content, content_type=content_type)
    response.audit_action = audit_action
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def csv_download(filename: str) -> HttpResponse:
    """An empty CSV attachment to write rows into."""
    response = attachment(filename, content_type=CSV_TYPE)
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    return response
