"""Tags for the site's layout."""

from urllib.parse import urlsplit

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.http import url_has_allowed_host_and_scheme

register = template.Library()


def same_site_referer(request) -> str:
    """The page the person came from when it is on this site and is not this page, else ""."""
    if request is None:
        return ""
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={host},
                                                          require_https=request.is_secure()):
        return ""
    if urlsplit(referer).path == request.path:
        return ""
    return referer


@register.simple_tag(takes_context=True)
def back_url(context):
    """``{% back_url as back %}``: see same_site_referer."""
    return same_site_referer(context.get("request"))
