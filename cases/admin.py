"""Admin screens for a municipality's administrator: set-up and corrections, scoped to their own
municipality. Day-to-day work happens on the product's own pages, where access is logged."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.admin import TenantScopedAdmin, TenantScopedInline

from .access import grants_rebuild
from .cpr import cpr_birth_date, cpr_normalise
from .models import Child, Enrolment, Guardian, Guardianship


class ChildAdminForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = [
            "municipality",
            "first_name",
            "last_name",
            "cpr",
            "address",
            "language_needs",
            "user",
        ]

    def clean_user(self):
        # The young person's own login is theirs alone: never a professional's or a parent's,
        # whose access would otherwise mix with the young person's own basis.
        user = self.cleaned_data.get("user")
        if user is not None and (
            user.staff_profile_or_none is not None or Guardian.objects.filter(user=user).exists()
        ):
            raise forms.ValidationError(
                _("Choose a login of the young person's own: not a staff member's or a parent's.")
            )
        return user

    def clean_cpr(self):
        try:
            return cpr_normalise(self.cleaned_data["cpr"])
        except ValueError:
            raise forms.ValidationError(
                _("Enter a valid CPR number: ten digits, the first six a real date (DDMMYY).")
            ) from None


class EnrolmentInline(TenantScopedInline):
    model = Enrolment
    extra = 0


class GuardianshipInline(TenantScopedInline):
    model = Guardianship
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "guardian" and not request.user.is_superuser:
            kwargs["queryset"] = Guardian.objects.filter(
                municipality_id=request.user.municipality_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Child)
class ChildAdmin(TenantScopedAdmin):
    form = ChildAdminForm
    list_display = ["first_name", "last_name", "masked_cpr", "birth_date"]
    search_fields = ["first_name", "last_name"]
    inlines = [EnrolmentInline, GuardianshipInline]

    @admin.display(description=_("CPR number"))
    def masked_cpr(self, child):
        return child.cpr_masked

    def get_fields(self, request, obj=None):
        # Once saved, the number is shown masked; corrections go through support, not here.
        fields = [
            "municipality",
            "first_name",
            "last_name",
            "cpr",
            "address",
            "language_needs",
            "user",
        ]
        if obj is not None:
            fields[fields.index("cpr")] = "masked_cpr"
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ["masked_cpr"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.municipality_id = request.user.municipality_id
        obj.birth_date = cpr_birth_date(obj.cpr)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Enrolments and guardianships are sources of access: rebuild the grants at once.
        grants_rebuild(child_ids=[form.instance.pk])
