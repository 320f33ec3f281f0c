"""Starting a CSV download: one place for its headers, so every CSV the app
serves (1A breakdowns, survey results and links, the asset directory) opens
the same way in Excel. Cell values still go through identify.engine.csv_safe."""

from django.http import HttpResponse

CSV_TYPE = "text/csv; charset=utf-8"


def csv_download(filename: str, *, no_store: bool = False) -> HttpResponse:
    """An empty CSV attachment to write rows into. `no_store` for files holding
    secrets or record-level details, so browsers and proxies keep no copy."""
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if no_store:
        response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    return response
