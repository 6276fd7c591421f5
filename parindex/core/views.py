"""The 500 page: rendered from a plain context, without the request or any context processor.

It may be shown because the database is down, so nothing on it may query the database: the
province's name comes from settings, the way back from the request's Referer header. The 403
and 404 pages are Django's own views rendering 403.html and 404.html with the request (the menu
then shows only what the person may open).
"""

import sys

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from parindex.core.templatetags.site import same_site_referer


@requires_csrf_token
def server_error(request, template_name="500.html"):
    from .concurrency import is_database_unavailable, unavailable_response

    if is_database_unavailable(sys.exc_info()[1]):  # raised outside a view (a middleware): still 503
        return unavailable_response(request)
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"province_name": settings.PROVINCE_NAME,
                                                    "back": same_site_referer(request)}))
