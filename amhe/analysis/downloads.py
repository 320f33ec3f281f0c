"""Starting a download: one place for its headers, so every CSV and Excel file
the app serves (1A breakdowns, survey links, results and responses, the asset
directory) opens the same way and is never kept by a browser or proxy cache
(each holds project data behind a login; some hold record-level details or
secret links). Cell values still go through amhe.analysis.csv_safe."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers

from amhe.analysis.csv_safe import csv_safe

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# What the audit log calls a file sent through here (amhe.core.middleware.AuditMiddleware
# reads `response.audit_action`): an export of the project's data, unless the view says
# otherwise (a built report's download is "report_downloaded").
EXPORT = "export"


def _as_attachment(response, filename: str, audit_action: str):
    response.audit_action = audit_action
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def attachment(filename: str, *, content_type: str, content: bytes = b"", audit_action: str = EXPORT) -> HttpResponse:
    """A file to save as `filename`, with `Cache-Control: no-store`, marked for the audit log."""
    return _as_attachment(HttpResponse(content, content_type=content_type), filename, audit_action)


def csv_download(filename: str) -> HttpResponse:
    """An empty CSV attachment to write rows into."""
    response = attachment(filename, content_type=CSV_TYPE)
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    return response


class _Pending:
    """What csv.writer writes, kept until it is taken (one piece of a streamed file)."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


def csv_stream(
    filename: str, rows: Iterable[Iterable], *, rows_per_piece: int = 500, audit_action: str = EXPORT
) -> StreamingHttpResponse:
    """A CSV attachment sent as `rows` (the header first) are read, `rows_per_piece` rows at a
    time, so a long file (rows from a queryset's `.iterator()`) is never held whole in memory.
    Every cell goes through csv_safe here."""

    def pieces():
        pending = _Pending()
        pending.write("\ufeff")  # Excel reads UTF-8 with a BOM
        writer = csv.writer(pending)
        for number, row in enumerate(rows, start=1):
            writer.writerow([csv_safe(value) for value in row])
            if number % rows_per_piece == 0:
                yield pending.take()
        yield pending.take()

    return _as_attachment(StreamingHttpResponse(pieces(), content_type=CSV_TYPE), filename, audit_action)
