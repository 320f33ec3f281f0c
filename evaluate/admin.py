"""Django admin for self-assessment frameworks (4A): staff edit a framework's rating scale,
score bands, sections and items, or add an organisation's own framework. A project's
assessments are recorded on the app's pages, not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from amhe.core.admin_audit import AuditedAdmin
from evaluate.models import Framework, FrameworkItem, FrameworkSection, RatingLevel


class RatingLevelInline(admin.TabularInline):
    model = RatingLevel
    extra = 0


class SectionInline(admin.TabularInline):
    model = FrameworkSection
    extra = 0
    show_change_link = True


class ItemInline(admin.StackedInline):
    model = FrameworkItem
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "short_name", "organisation", "low_rating"]
    list_filter = ["organisation"]
    search_fields = ["name", "short_name", "key"]
    inlines = [RatingLevelInline, SectionInline]


@admin.register(FrameworkSection)
class FrameworkSectionAdmin(AuditedAdmin):
    list_display = ["framework", "code", "title", "position"]
    list_filter = ["framework"]
    inlines = [ItemInline]
