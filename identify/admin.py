from django.contrib import admin

from identify.models import Breakdown, Extract, QualityReport, SavedMapping


@admin.register(Extract)
class ExtractAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "state", "row_count", "created_at"]
    list_filter = ["state", "kind", "project"]
    readonly_fields = ["id", "table_path", "upload_path", "columns", "dropped_identifiers", "suggested_mapping", "job"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "updated_at"]


admin.site.register(QualityReport)
admin.site.register(Breakdown)
