from django.contrib import admin

from trivsel.organisation.admin import TenantScopedAdmin

from .models import Forum, Meeting


@admin.register(Forum)
class ForumAdmin(TenantScopedAdmin):
    list_display = ["name", "kind", "unit", "cadence_days", "agenda_deadline_days"]
    list_filter = ["kind"]
    list_select_related = ["unit"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
        super().save_model(request, obj, form, change)


@admin.register(Meeting)
class MeetingAdmin(TenantScopedAdmin):
    # Read-only here: a meeting's content is personal data, handled in the app with its rules.
    list_display = ["title", "starts_at", "forum", "tovholder"]
    list_select_related = ["forum", "tovholder"]
    fields = ["title", "starts_at", "place", "forum", "tovholder"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
