"""Being written."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # pragma: no cover - replaced
    return HttpResponse(status=501)


unit_list = _todo
unit_page = _todo
appraise = _todo
confirm_unchanged = _todo
open_explanation = _todo
final_round = _todo
finalize = _todo
reopen = _todo
explanation_page = _todo
explain = _todo
add_evidence = _todo
