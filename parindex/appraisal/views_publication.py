"""Being written."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced
    return HttpResponse(status=501)


district_results = _todo
publish = _todo
public_district = _todo
public_xlsx = _todo
public_pdf = _todo
