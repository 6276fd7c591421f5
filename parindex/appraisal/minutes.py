"""Being written."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced
    return HttpResponse(status=501)


minutes_page = _todo
minutes_pdf = _todo
minutes_xlsx = _todo
