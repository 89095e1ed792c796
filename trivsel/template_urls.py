"""`{% url %}` that remembers the URLs it has built without arguments (a template builtin, see
TEMPLATES in the settings, so it replaces Django's tag in every template).

Every page's layout names a dozen views (menu, bell, log-out, language); Django's reverse()
walks the URL patterns for each of them on every request, a noticeable part of what the
smallest signed-in page costs. The address of a view without arguments changes only with the
URLconf, the script prefix, the current application's namespace and the language, so it is built
once per process for each of those and looked up afterwards. Tags with arguments, and names that
do not resolve, go through Django's tag unchanged.
"""

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# A few dozen names × languages × URLconfs × script prefixes. The prefix comes from the server's
# SCRIPT_NAME; should anything ever make it vary per request, the memory stays bounded.
_urls = {}
_MAX_URLS = 2000


class RememberingURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (
            view_name,
            current_app,
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
            get_language(),
        )
        url = _urls.get(key)
        if url is None:
            if len(_urls) >= _MAX_URLS:
                _urls.clear()
            try:
                url = _urls[key] = reverse(view_name, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RememberingURLNode(node.view_name, node.args, node.kwargs, node.asvar)
