"""`{% memo menu=menu %}…{% endmemo %}`: a fragment rendered once per process for each value of its
keys, then served as the string it rendered (issue 19, page ÷ floor).

The navigation renders on every page: ~50 `{% url %}` and as many translations, 4.3 ms of a page
whose SQL costs a few. What it shows depends on a handful of flags, the language and where the
site is mounted, so each combination is rendered once and kept.

Correct by construction rather than by invalidation:
- the fragment is rendered with *only* its keys in the context (no `user`, no `request`, no
  `csrf_token`): it cannot read anything that is not part of the key, so it cannot go stale on
  something the key misses. What varies per request stays outside the block.
- the key adds what tags inside read from the process rather than from the context: the active
  language (`{% translate %}`), the script prefix and URLconf (`{% url %}`; our URL namespaces
  have one instance each, so the current app does not change a reversed URL) and autoescaping.
- the strings live on the compiled template's node, so a template edited in development (the
  cached loader resets and compiles anew) starts empty; a changed setting or, under runserver, any
  changed file (a recompiled catalogue) empties every memo.
Nothing is shared between processes: no cache server to keep in step after a deploy.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.template.base import token_kwargs
from django.urls import get_script_prefix, get_urlconf
from django.utils import autoreload
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# A bound on one block's strings: keys are few (flags × languages × departments), so reaching it
# means a key that varies per request, and then the memo only costs a dict.
LIMIT = 512
_nodes = weakref.WeakSet()


class MemoNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist, self.keys = nodelist, keys
        self.rendered = {}
        _nodes.add(self)

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.keys.items()}
        key = (get_language(), get_script_prefix(), get_urlconf(), context.autoescape, *values.items())
        try:
            return self.rendered[key]
        except KeyError:
            pass
        html = mark_safe(self.nodelist.render(context.new(values)))
        if len(self.rendered) >= LIMIT:
            self.rendered.clear()
        self.rendered[key] = html
        return html


@register.tag
def memo(parser, token):
    bits = token.split_contents()[1:]
    keys = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError("memo takes name=value keys only, e.g. {% memo menu=menu %}")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, keys)


def forget_all(**_kwargs):
    for node in list(_nodes):
        node.rendered.clear()


setting_changed.connect(forget_all, dispatch_uid="core.memo.setting_changed")
autoreload.file_changed.connect(forget_all, dispatch_uid="core.memo.file_changed")
