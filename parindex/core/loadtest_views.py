"""Two bare views for `make loadtest` (scripts/loadtest.py, docs/performance.md "Load test").

Registered in parindex/urls.py only when the setting LOADTEST_VIEWS is on (environment LOADTEST_VIEWS=1,
which only `make loadtest` sets). They do no work of their own, so their throughput is what the stack
itself (gunicorn, middleware, sessions, authentication) allows; every real page is reported as a share
of the anonymous one, measured in the same run on the same machine.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


def anon(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def auth(request):
    return HttpResponse("ok", content_type="text/plain")
