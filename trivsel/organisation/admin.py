"""Admin screens for a municipality's administrator, each scoped to their own municipality."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Group, Municipality, StaffProfile, Unit, User


class TenantScopedChoices:
    """Choices in foreign-key and many-to-many fields limited to the user's municipality."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = _scoped_choices(db_field.related_model, request.user)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            scoped = _scoped_choices(db_field.related_model, request.user)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TenantScopedAdmin(TenantScopedChoices, admin.ModelAdmin):
    # The lookup from this model to its municipality; superusers see every municipality.
    municipality_path = "municipality"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.municipality_path: request.user.municipality_id})


class TenantScopedInline(TenantScopedChoices, admin.TabularInline):
    pass


def _scoped_choices(model, user):
    if model is Municipality:
        return Municipality.objects.filter(pk=user.municipality_id)
    if model is Unit:
        return Unit.objects.filter(municipality_id=user.municipality_id)
    if model is Group:
        return Group.objects.filter(unit__municipality_id=user.municipality_id).select_related(
            "unit"
        )
    if model is User:
        return User.objects.filter(municipality_id=user.municipality_id)
    return None


@admin.register(Municipality)
class MunicipalityAdmin(TenantScopedAdmin):
    municipality_path = "pk"
    list_display = ["name", "code", "own_consent_age"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0


@admin.register(Unit)
class UnitAdmin(TenantScopedAdmin):
    list_display = ["name", "type", "district"]
    list_filter = ["type"]
    search_fields = ["name"]
    inlines = [GroupInline]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
        super().save_model(request, obj, form, change)


@admin.register(Group)
class GroupAdmin(TenantScopedAdmin):
    municipality_path = "unit__municipality"
    list_display = ["name", "unit", "kind"]
    list_filter = ["kind"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(TenantScopedAdmin):
    municipality_path = "user__municipality"
    list_display = ["__str__", "title"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    filter_horizontal = ["units", "groups"]
    autocomplete_fields = ["user"]


@admin.register(User)
class MunicipalUserAdmin(UserAdmin, TenantScopedAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = UserAdmin.fieldsets + ((_("Municipality"), {"fields": ["municipality"]}),)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A municipal administrator manages people, not platform-wide privileges.
        hidden = {"is_superuser", "user_permissions", "groups"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
        super().save_model(request, obj, form, change)
