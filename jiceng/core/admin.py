"""Django admin for system admins: a read-only view of the trees, accounts and roles (writes go
through the pages and services, where scope, rules and audit live), plus the few reference
tables that have no page of their own (departments, posts), whose changes are audited here."""

from django.contrib import admin

from jiceng.core import audit
from jiceng.core.models import Area, Department, Grant, Org, Post, Role, User, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(request.user, f"{obj._meta.model_name}.{'update' if change else 'create'}", obj,
                     summary={"fields": sorted(form.changed_data), "via": "admin"})

    def delete_model(self, request, obj):
        audit.record(request.user, f"{obj._meta.model_name}.delete", obj, summary={"via": "admin"})
        super().delete_model(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the audit trail
        return actions


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "pinyin"]
    list_select_related = ["parent"]
    exclude = ["geometry"]


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "sector", "parent", "area", "is_active"]
    list_filter = ["kind", "sector", "is_joint", "is_temporary", "is_online", "is_active"]
    search_fields = ["name", "pinyin"]
    list_select_related = ["parent", "area"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["org", "title", "holder_name", "term_start", "term_end"]
    list_filter = ["title"]
    search_fields = ["holder_name", "org__name"]
    raw_id_fields = ["org", "user"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "kind", "area"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["area"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "display_name", "department", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_demo"]
    search_fields = ["username", "display_name"]
    fields = ["username", "display_name", "department", "is_active", "is_staff", "is_demo", "last_login",
              "date_joined"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "duty", "is_builtin"]
    filter_horizontal = ["permissions"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "area", "org", "created_at", "revoked_at"]
    list_filter = ["role", "revoked_at"]
    list_select_related = ["user", "role", "area", "org"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
