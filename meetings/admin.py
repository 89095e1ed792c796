from django.contrib import admin

from .models import Forum, Meeting


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "cadence_days", "agenda_deadline_days"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        forums = super().get_queryset(request).select_related("unit")
        if request.user.is_superuser:
            return forums
        return forums.filter(municipality_id=request.user.municipality_id)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Meetings are read here, not edited: their content is personal data handled in the app.
    list_display = ["title", "starts_at", "forum", "tovholder"]
    list_select_related = ["forum", "tovholder"]
    fields = ["title", "starts_at", "place", "forum", "tovholder"]
    readonly_fields = fields

    def get_queryset(self, request):
        meetings = super().get_queryset(request)
        if request.user.is_superuser:
            return meetings
        return meetings.filter(municipality_id=request.user.municipality_id)

    def has_add_permission(self, request):
        return False
