"""Pages of a long list: Django's Paginator, the page number in ``?trang=``, the other filters kept.

Used by every list page that can grow with the number of units (boards, commune summary, appraisers'
list, people, public results): with 12,000 units a page shows ``per_page`` rows and the page links
(«Trang trước», «Trang X/Y», «Trang sau», template ``board/_pager.html``) keep the query string.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_PARAM = "trang"
PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE, param: str = PAGE_PARAM) -> Page:
    """The requested page of ``items`` (an ordered queryset or a list); a bad or too large page number
    gives the nearest page, never an error. ``page.query`` is the query string without the page number;
    ``param`` names the page number for a page with several paginated lists."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.query = query.urlencode()
    page.param = param
    return page
