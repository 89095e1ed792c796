from django.contrib import admin

from .models import JobHeartbeat


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "runs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
