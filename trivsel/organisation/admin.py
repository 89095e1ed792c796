"""Admin screens for a municipality's administrator, each scoped to their own municipality."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from trivsel.audit.selectors import privilege_changes_of
from trivsel.audit.services import privilege_change_record

from .models import ClosedDay, Group, Municipality, ProvisioningToken, StaffProfile, Unit, User
from .selectors import staff_privileges_of


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
        # Platform superusers are out of a municipal administrator's reach everywhere.
        return User.objects.filter(municipality_id=user.municipality_id, is_superuser=False)
    return None


class PrivilegeChangesAudited:
    """Nobody changes their own roles, units, groups or privileges here, and every change of
    someone else's is written to the access log (who, whose, old → new) and shown on the
    person's admin page to the other administrators.

    `person_of(obj)` names the person whose privileges the object carries; the state before
    the change is read from the database in save_model and compared after save_related, when
    the form's many-to-many fields (units, groups, permissions) have been saved too."""

    # Fields of the object that carry the person's privileges: read-only on their own object.
    own_privilege_fields = ()
    # The lookup from the object to its person's superuser flag.
    superuser_lookup = "is_superuser"

    def person_of(self, obj):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # A municipal administrator never sees or edits a platform superuser, even one set up in
        # her own municipality: not in the list, not by id, not in an autocomplete.
        return queryset.filter(**{self.superuser_lookup: False})

    def is_own(self, request, obj):
        return obj is not None and obj.pk is not None and self.person_of(obj) == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self.is_own(request, obj):
            readonly += [f for f in self.own_privilege_fields if f not in readonly]
        if obj is not None and obj.pk is not None:
            readonly.append("privilege_history")
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and self.is_own(request, obj):
            messages.info(
                request,
                _(
                    "You cannot change your own roles, units, groups or access. Another "
                    "administrator can, and the change is logged."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        if self.is_own(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("Changes of roles and access"))
    def privilege_history(self, obj):
        person = User.objects.filter(pk=self.person_of(obj)).first()
        entries = list(privilege_changes_of(person)[:50]) if person else []
        return render_to_string("admin/organisation/privilege_history.html", {"entries": entries})

    def save_model(self, request, obj, form, change):
        person_id = self.person_of(obj)
        if person_id == request.user.pk and not self._only_own_harmless_fields(form):
            raise PermissionDenied
        request._privileges_before = (
            person_id,
            staff_privileges_of(person_id) if person_id else {},
        )
        super().save_model(request, obj, form, change)

    def _only_own_harmless_fields(self, form):
        # Read-only fields are not in the form, so a tampered request cannot change them; this is
        # the second lock, for an add form (a profile for oneself) or a field added later.
        return not (set(form.changed_data) & set(self.own_privilege_fields))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person_id, before = getattr(request, "_privileges_before", (None, {}))
        person_id = person_id or self.person_of(form.instance)
        person = User.objects.filter(pk=person_id).first()
        if person is not None:
            privilege_change_record(
                actor=request.user, user=person, before=before, after=staff_privileges_of(person_id)
            )

    def delete_model(self, request, obj):
        self._delete_audited(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete_audited(request, list(queryset))

    def _delete_audited(self, request, objects):
        if any(self.person_of(obj) == request.user.pk for obj in objects):
            raise PermissionDenied
        for obj in objects:
            person_id = self.person_of(obj)
            person = User.objects.get(pk=person_id)
            before = staff_privileges_of(person_id)
            if obj == person:
                # The account itself goes: everything it could do ends with it.
                privilege_change_record(
                    actor=request.user, user=person, before=before, after=dict.fromkeys(before, "–")
                )
                obj.delete()
                continue
            obj.delete()
            privilege_change_record(
                actor=request.user, user=person, before=before, after=staff_privileges_of(person_id)
            )


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 1


@admin.register(Municipality)
class MunicipalityAdmin(TenantScopedAdmin):
    municipality_path = "pk"
    list_display = ["name", "code", "own_consent_age", "child_heard_from_age"]
    inlines = [ClosedDayInline]

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
class StaffProfileAdmin(PrivilegeChangesAudited, TenantScopedAdmin):
    municipality_path = "user__municipality"
    list_display = ["__str__", "title"]
    list_select_related = ["user"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    filter_horizontal = ["units", "groups"]
    autocomplete_fields = ["user"]
    own_privilege_fields = ("user", "roles", "units", "groups")
    superuser_lookup = "user__is_superuser"

    def person_of(self, obj):
        return obj.user_id

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # A profile stays with its person: moving it to another account would hand that account
        # the roles and units (one's own, say) without anyone changing a role.
        if obj is not None and obj.pk is not None and "user" not in readonly:
            readonly = ["user", *readonly]
        return readonly

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            # Nobody sets up a staff profile, with its roles, for themselves.
            field.queryset = field.queryset.exclude(pk=request.user.pk)
        return field


@admin.register(User)
class MunicipalUserAdmin(PrivilegeChangesAudited, UserAdmin, TenantScopedAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = UserAdmin.fieldsets + ((_("Municipality"), {"fields": ["municipality"]}),)
    own_privilege_fields = (
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "municipality",
    )

    def person_of(self, obj):
        return obj.pk

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        # The groups filter would list every municipality's access groups.
        return ["is_staff", "is_active"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "staffprofile":
            # The autocomplete of a staff profile's person: never oneself (see StaffProfileAdmin).
            queryset = queryset.exclude(pk=request.user.pk)
        return queryset, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [
                *fieldsets,
                (_("Changes of roles and access"), {"fields": ["privilege_history"]}),
            ]
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

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        person = self.get_object(request, id)
        # An administrator who sets a colleague's password can sign in as that colleague, with
        # her roles: the other administrators are told, as for a change of roles.
        changed = request.method == "POST" and response.status_code == 302
        if changed and person is not None and person.pk != request.user.pk:
            label = str(_("Password"))
            privilege_change_record(
                actor=request.user,
                user=person,
                before={label: "–"},
                after={label: str(_("set by an administrator"))},
            )
        return response


@admin.register(ProvisioningToken)
class ProvisioningTokenAdmin(TenantScopedAdmin):
    """The identity providers' SCIM tokens: revoked by deleting them here; made only by
    `manage.py scim_token`, which shows the token once."""

    list_display = ["name", "municipality", "created_at", "last_used_at"]
    fields = ["municipality", "name", "created_at", "last_used_at"]
    readonly_fields = ["created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
