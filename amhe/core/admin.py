from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as BaseTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from amhe.core import audit
from amhe.core.admin_audit import AuditedAdmin
from amhe.core.models import (
    AuditEvent,
    Job,
    Measure,
    MeasureValue,
    Membership,
    OidcSubject,
    Organisation,
    Population,
    Project,
    ProjectInvitation,
    PurgeRun,
    RecoveryCodeDevice,
    SmartGoal,
    SubStepStatus,
    User,
    WorkerHeartbeat,
)
from amhe.stats import RULES


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "ods_code", "suppression_rule", "two_factor_required"]
    list_filter = ["kind"]
    search_fields = ["name", "ods_code"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Any rule but "none": only the analyst who uploaded the data may see unsuppressed counts.
        if db_field.name == "suppression_rule":
            return forms.ChoiceField(
                label="Suppression rule",
                choices=[(key, rule.name) for key, rule in RULES.items() if key != "none"],
                initial="nhs",
                help_text="Applied to every figure shown or exported beyond the analyst who uploaded the data.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Settings an organisation's figures depend on: a change is in the audit log.
    AUDITED_SETTINGS = ("suppression_rule",)

    def save_model(self, request, obj, form, change):
        before = Organisation.objects.filter(pk=obj.pk).values(*self.AUDITED_SETTINGS).first() if change else None
        super().save_model(request, obj, form, change)
        if before is None:
            return
        changed = [
            f"{field}: {before[field]} -> {getattr(obj, field)}"
            for field in self.AUDITED_SETTINGS
            if before[field] != getattr(obj, field)
        ]
        if changed:
            audit.record(
                action=audit.SETTINGS_CHANGE,
                request=request,
                organisation=obj,
                object_kind="organisation",
                object_id=obj.pk,
                detail="; ".join(changed),
            )


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    role_fields = ("is_staff", "is_superuser", "groups", "user_permissions")
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff"]
    list_filter = ["organisation", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "organisation"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "organisation", "password1", "password2"]}),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class SubStepStatusInline(admin.TabularInline):
    model = SubStepStatus
    extra = 0


@admin.register(Project)
class ProjectAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "cycle_number", "current_step", "status"]
    list_filter = ["organisation", "status", "current_step"]
    search_fields = ["name", "area"]
    inlines = [MembershipInline, SubStepStatusInline]


@admin.register(Population)
class PopulationAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class MeasureValueInline(admin.TabularInline):
    model = MeasureValue
    extra = 0


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["name", "project", "unit"]
    list_filter = ["project"]
    inlines = [MeasureValueInline]


@admin.register(SmartGoal)
class SmartGoalAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["__str__", "project", "status", "target_date"]
    list_filter = ["project", "status"]


@admin.register(Job)
class JobAdmin(AuditedAdmin):
    list_display = ["id", "kind", "state", "progress", "attempts", "created_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(AuditedAdmin):
    list_display = ["hostname", "last_seen"]


@admin.register(ProjectInvitation)
class ProjectInvitationAdmin(AuditedAdmin):
    """Invitations waiting to be accepted. Read-only: leads invite and cancel on the
    project's people page; the link's token is never stored, only its hash."""

    list_display = ["email", "project", "role", "invited_by", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email", "project__name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdmin):
    """The audit log, read-only: nobody adds, changes or deletes an entry here."""

    list_display = [
        "at",
        "action",
        "user",
        "token_prefix",
        "organisation",
        "project",
        "object_kind",
        "object_id",
        "outcome",
    ]
    list_filter = ["action", "outcome", "organisation"]
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "project"]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OidcSubject)
class OidcSubjectAdmin(AuditedAdmin):
    """Single sign-on links (amhe.core.oidc): seen, or deleted so that the account is linked
    again on its next single sign-on (a person made again at the provider); never edited."""

    list_display = ["user", "issuer", "linked_at"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PurgeRun)
class PurgeRunAdmin(AuditedAdmin):
    """Runs of the retention purge: a record, read-only."""

    list_display = ["started_at", "dry_run", "trigger", "organisation", "finished_at"]
    list_filter = ["dry_run", "trigger"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(AuditedAdmin):
    """An account's recovery codes: deleted here when they are lost (the account makes new
    ones). Never added or changed here: a code is shown once, to its owner, when made; only
    its digest is stored, and never shown."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    exclude = ["salt", "throttling_failure_timestamp", "throttling_failure_count"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's admin for its clear-text recovery codes goes (the app keeps hashed ones, above),
# and its admin for authenticators is audited like the app's own.
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)
admin.site.unregister(TOTPDevice)


class TOTPDeviceAdmin(AuditedAdmin, BaseTOTPDeviceAdmin):
    pass


admin.site.register(TOTPDevice, TOTPDeviceAdmin)
