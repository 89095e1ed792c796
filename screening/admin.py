from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.admin import TenantScopedAdmin

from .models import FormTemplate, RuleSet


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    """Shipped forms are read-only; a municipality copies one and edits its own copy. Editing a
    form that rounds have used saves a new version, so finished rounds keep what they used."""

    list_display = ["name", "sector", "version", "municipality", "is_current"]
    list_filter = ["sector", "is_current"]
    actions = ["copy_for_my_municipality"]
    exclude = ["municipality", "previous", "version", "is_current"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(municipality__isnull=True) | Q(municipality_id=request.user.municipality_id)
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.municipality_id != request.user.municipality_id:
            return request.user.is_superuser
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change and obj.rounds.exists():
            # A new version instead of an edit: old rounds keep the version they used.
            old = FormTemplate.objects.get(pk=obj.pk)
            old.is_current = False
            old.save(update_fields=["is_current"])
            obj.previous, obj.version, obj.pk = old, old.version + 1, None
        if not change:
            obj.municipality_id = request.user.municipality_id
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Copy for my municipality"))
    def copy_for_my_municipality(self, request, queryset):
        for template in queryset:
            template.pk, template.previous_id = None, None
            template.municipality_id, template.version = request.user.municipality_id, 1
            template.save()
        messages.success(request, _("Copied. Edit the copy to fit your municipality."))


@admin.register(RuleSet)
class RuleSetAdmin(TenantScopedAdmin):
    list_display = [
        "municipality",
        "yellow_marks_involve_parents",
        "yellow_needs_plan",
        "red_to_team",
    ]
