"""What is done in Django's admin, in the audit log (issue 15 item 2).

Every ModelAdmin of the app's models inherits :class:`AuditedAdmin` (a test walks the admin
site to make sure). It records, as ``AuditEvent`` rows with the object's kind and id, the
account and the outcome:

- an object added (``add``) or changed (``change``, naming the fields changed, never their
  values), from ``log_addition`` / ``log_change``, which the admin calls for its add and
  change forms, the change list's editable columns and the password form;
- an object deleted (``delete``), from ``log_deletions``, which the admin calls before
  deleting, for the delete page and for the bulk "Delete selected" action alike;
- each record added, changed or deleted through an inline form (``save_formset``), which
  ``log_change`` only summarises under the parent;
- a role change (``role_change``) for every project membership added, changed or removed in
  the admin: inline on a project, or with a project, account or organisation deleted; and
  for a change to an account's staff or superuser status, groups or permissions.

Why not Django's ``LogEntry`` post_save signal: the admin writes the entries of a bulk
deletion of more than one object with ``bulk_create``, which sends no signal, and an entry
does not say which inline record changed.

Like the rest of the log, an entry holds no personal data beyond the account: never the
object's text (``object_repr``: for an account or a membership, an email address) nor a
field's value, except a membership's role.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router

from amhe.core import audit, ownership
from amhe.core.models import Membership, Organisation

IN_ADMIN = "in the admin"


def _where(obj):
    """The project and organisation `obj` belongs to (an organisation is its own)."""
    if isinstance(obj, Organisation):
        return None, obj.pk
    project = ownership.project_of(obj)
    return project, None if project is not None else getattr(obj, "organisation_id", None)


def record_for(request, action, obj, *, detail: str = ""):
    project, organisation = _where(obj)
    return audit.record(
        action=action,
        request=request,
        project=project,
        organisation=organisation,
        object_kind=obj._meta.model_name,
        object_id=obj.pk,
        detail=f"{detail} {IN_ADMIN}" if detail else IN_ADMIN,
    )


def _role(request, membership, what: str):
    audit.record_role_change(by=request.user, membership=membership, what=f"{what} {IN_ADMIN}")


def _parent_changed_fields(message) -> list[str]:
    """The labels of the parent object's own changed fields in the admin's change message
    (inline records' entries carry a "name"; save_formset records those one by one)."""
    if not isinstance(message, list):
        return []
    fields = []
    for entry in message:
        changed = entry.get("changed") if isinstance(entry, dict) else None
        if isinstance(changed, dict) and "name" not in changed:
            fields.extend(str(label) for label in changed.get("fields", []))
    return fields


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletions (bulk and inline too) are audited.
    Put it first among the bases (``class XAdmin(AuditedAdmin, SimpleHistoryAdmin)``)."""

    # Fields whose change changes what an account may do: logged as a role change.
    role_fields: tuple[str, ...] = ()

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        record_for(request, audit.ADD, obj)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        fields = _parent_changed_fields(message)
        role_labels = {str(self.model._meta.get_field(name).verbose_name).lower() for name in self.role_fields}
        action = audit.ROLE_CHANGE if role_labels & {label.lower() for label in fields} else audit.CHANGE
        record_for(request, action, obj, detail=f"changed {', '.join(fields)}" if fields else "saved")
        return entry

    def log_deletions(self, request, queryset):
        objs = list(queryset)
        for obj in objs:
            record_for(request, audit.DELETE, obj)
        # The memberships that go with them (a project's, an account's, an organisation's).
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        for membership in sorted(collector.data.get(Membership, ()), key=lambda m: m.pk):
            _role(request, membership, f"removed (was {membership.role}) with its {self.model._meta.model_name}")
        return super().log_deletions(request, objs)

    def save_formset(self, request, form, formset, change):
        stored = formset.model._default_manager.in_bulk([f.instance.pk for f in formset.initial_forms])
        for inline in formset.initial_forms:
            obj = stored.get(inline.instance.pk)
            if obj is not None and formset.can_delete and formset._should_delete_form(inline):
                self._record_inline_deletion(request, obj)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            if isinstance(obj, Membership):
                _role(request, obj, f"added as {obj.role}")
            else:
                record_for(request, audit.ADD, obj)
        for obj, fields in formset.changed_objects:
            if isinstance(obj, Membership):
                self._record_membership_change(request, stored[obj.pk], obj)
            else:
                record_for(request, audit.CHANGE, obj, detail=f"changed {', '.join(fields)}")

    @staticmethod
    def _record_inline_deletion(request, obj):
        if isinstance(obj, Membership):
            _role(request, obj, f"removed (was {obj.role})")
        else:
            record_for(request, audit.DELETE, obj)

    @staticmethod
    def _record_membership_change(request, before, after):
        if before.user_id == after.user_id:
            if before.role != after.role:
                _role(request, after, f"{before.role} -> {after.role}")
            return
        # Given to someone else: one account loses its role, another gains one.
        _role(request, before, f"removed (was {before.role})")
        _role(request, after, f"added as {after.role}")
