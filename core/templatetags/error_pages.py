"""The error pages' way back (templates/errors/page.html)."""

from django import template
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


@register.simple_tag(takes_context=True)
def same_site_referer(context):
    """The page the user came from, only when it is one of ours and not the failing page itself:
    the Referer header is the client's to write, and a link must not lead off the site."""
    request = context.get("request")
    if request is None:  # the 500 page is rendered without one
        return ""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()):
        return ""
    if referer == request.build_absolute_uri():
        return ""
    return referer
