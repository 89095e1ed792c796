from django import template

from ..selectors import deadline_text

register = template.Library()


@register.simple_tag
def clock_text(due, done_at=None):
    return deadline_text(due, done_at=done_at)
