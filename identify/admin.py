from django.contrib import admin

from amhe.core.admin_audit import AuditedAdmin
from identify.models import Breakdown, Extract, QualityReport, SavedMapping


@admin.register(Extract)
class ExtractAdmin(AuditedAdmin):
    list_display = ["title", "project", "kind", "state", "row_count", "created_at"]
    list_filter = ["state", "kind", "project"]
    # The stored files by name only: a link would hand out the file (on object storage, a
    # signed URL) outside the app's own project checks.
    exclude = ["table_path", "upload_path"]
    readonly_fields = [
        "id",
        "table_name",
        "upload_name",
        "columns",
        "dropped_identifiers",
        "pseudonymised_columns",
        "suggested_mapping",
        "job",
    ]

    @admin.display(description="Stored table")
    def table_name(self, extract):
        return extract.table_path.name or "-"

    @admin.display(description="Upload waiting to be read")
    def upload_name(self, extract):
        return extract.upload_path.name or "-"


@admin.register(SavedMapping)
class SavedMappingAdmin(AuditedAdmin):
    list_display = ["organisation", "kind", "updated_at"]


admin.site.register(QualityReport, AuditedAdmin)
admin.site.register(Breakdown, AuditedAdmin)
