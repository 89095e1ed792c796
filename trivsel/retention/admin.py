from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.admin import TenantScopedAdmin

from .models import RetentionRule, RetentionRun
from .registry import Rule, record_type_get, record_types


class RetentionRuleForm(forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["municipality", "record_type", "months", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds the apps registered, each with its event and the product's default.
        self.fields["record_type"] = forms.ChoiceField(
            label=_("kind of record"),
            choices=[
                (
                    t.key,
                    _("%(label)s (default: %(period)s)")
                    % {"label": t.label, "period": Rule(t, t.default_months, True).period_text},
                )
                for t in record_types()
            ],
        )


@admin.register(RetentionRule)
class RetentionRuleAdmin(TenantScopedAdmin):
    """A municipality's own periods; a kind of record without a rule keeps the default."""

    form = RetentionRuleForm
    list_display = ["record_type_label", "months", "event", "municipality", "updated_at"]

    @admin.display(description=_("kind of record"))
    def record_type_label(self, obj):
        record_type = record_type_get(obj.record_type)
        return record_type.label if record_type else obj.record_type

    @admin.display(description=_("counted from"))
    def event(self, obj):
        record_type = record_type_get(obj.record_type)
        return record_type.event if record_type else ""


@admin.register(RetentionRun)
class RetentionRunAdmin(TenantScopedAdmin):
    list_display = ["started_at", "finished_at", "municipality", "batches"]
    readonly_fields = ["municipality", "started_at", "finished_at", "removed", "batches"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
