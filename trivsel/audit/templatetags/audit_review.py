from django import template

from ..forms import LookupAnswerForm

register = template.Library()


@register.simple_tag
def answer_form(lookup):
    """An empty answer form for one look-up of the review page, its ids its own (the prefix the
    look-up's own page reads the answer with)."""
    return LookupAnswerForm(prefix=f"l{lookup.pk}")
