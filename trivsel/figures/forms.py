from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from trivsel.forms import DesignSystemForm

from .periods import periods_available
from .selectors import place_choices_for


class FigureFilterForm(DesignSystemForm):
    """The place and the period, as the page shows them. The view reads the query string itself:
    an unknown period falls back to the default, a place outside the person's scope is a logged
    404 (selectors.figure_scope_for)."""

    sted = forms.ChoiceField(label=_("Place"), required=False)
    periode = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["sted"].choices = place_choices_for(user)
        self.fields["periode"].choices = [(p.key, p.label) for p in periods_available()]

    @property
    def minimum(self):
        return settings.FIGURES_MINIMUM_COUNT
