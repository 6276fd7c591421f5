"""Navigation by role, for every page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import permissions


def navigation(request):
    user = getattr(request, "user", None)
    items = [(_("Bộ tiêu chí"), reverse("criteria:index")),
             (_("Kết quả công bố"), reverse("publication:index"))]  # public, for everyone
    if user is not None and user.is_authenticated:
        items.insert(0, (_("Việc cần làm"), reverse("home")))
        scope = permissions.scope_of(user)
        if scope.admin or scope.roles:
            items.append((_("Kỳ đánh giá"), reverse("periods:list")))
        if scope.provincial_appraiser or scope.district_teams or scope.province or scope.districts:
            from parindex.board.todo import current_period
            period = current_period()
            if period is not None:
                items.append((_("Thẩm định"), reverse("appraisal:list", args=[period.year])))
        if permissions.can_view_admin(user):
            items.append((_("Quản trị"), reverse("admin:index")))
    return {"nav_items": items, "nav_scope": permissions.scope_of(user) if user is not None else None,
            "nav_can_teams": user is not None and user.is_authenticated and permissions.can_view_teams(user)}


def site(request):
    """The province's name for the header (settings.PROVINCE_NAME); no database query."""
    from django.conf import settings

    return {"province_name": settings.PROVINCE_NAME}
