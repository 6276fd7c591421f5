"""Being written."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced
    return HttpResponse(status=501)


teams = _todo
