"""The public, read-only "Bộ tiêu chí" pages: approved sets only (a draft edition: views_edition.py)."""

from django.http import Http404
from django.shortcuts import render

from parindex.accounts import permissions

from .models import CriteriaSetRecord

KIND_ORDER = {"department": 0, "district": 1, "commune": 2}


def index(request):
    records = sorted(CriteriaSetRecord.objects.approved(), key=lambda r: (-r.year, KIND_ORDER[r.unit_kind]))
    sets = [(record, record.parsed()) for record in records]
    return render(request, "criteria/index.html", {"sets": sets,
                                                   "can_edit": permissions.can_edit_criteria(request.user)})


def detail(request, set_id: str):
    try:
        record = CriteriaSetRecord.objects.approved().get(set_id=set_id)  # a draft is not public
    except CriteriaSetRecord.DoesNotExist:
        raise Http404("Không có bộ tiêu chí này") from None
    return render(request, "criteria/detail.html", {"record": record, "cset": record.parsed()})


def appendix(request, set_id: str):
    """An approved set as the appendix workbook (public, like the set's page)."""
    from .views_edition import appendix_download

    record = CriteriaSetRecord.objects.approved().filter(set_id=set_id).first()
    if record is None:
        raise Http404("Không có bộ tiêu chí này")
    return appendix_download(request, record, "criteria:detail")
