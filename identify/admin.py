from django.contrib import admin

from identify.models import Breakdown, Extract, OrganisationSettings, QualityReport, SavedMapping


@admin.register(Extract)
class ExtractAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "state", "row_count", "created_at"]
    list_filter = ["state", "kind", "project"]
    readonly_fields = ["id", "table_path", "upload_path", "columns", "dropped_identifiers", "suggested_mapping", "job"]


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "updated_at"]


@admin.register(OrganisationSettings)
class OrganisationSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "suppression_rule"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "suppression_rule":
            from django import forms

            from amhe.stats import RULES

            return forms.ChoiceField(
                choices=[(key, rule.name) for key, rule in RULES.items() if key != "none"],
                help_text="Applied to every figure shown or exported beyond the analyst who uploaded the data.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


admin.site.register(QualityReport)
admin.site.register(Breakdown)
