from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic.base import RedirectView

from parindex.api import v1 as api_v1
from parindex.board import views as board_views
from parindex.core import health

urlpatterns = [
    path("", board_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bo-tieu-chi/", include("parindex.criteria.urls")),
    path("tai-khoan/", include("parindex.accounts.urls")),
    path("ky/", include("parindex.periods.urls")),
    path("ky/<int:year>/", include("parindex.board.urls")),
    path("ky/<int:year>/don-vi/<str:code>/tu-danh-gia/", include("parindex.assessments.urls")),
    path("ky/<int:year>/don-vi/<str:code>/giai-trinh/", include("parindex.appraisal.urls_unit")),
    path("ky/<int:year>/tham-dinh/", include("parindex.appraisal.urls")),
    path("ky/<int:year>/dieu-tra/", include("parindex.survey.urls")),
    path("phieu/", include("parindex.survey.urls_respond")),  # -- survey: respond (public questionnaire)
    path("", include("parindex.publication.urls")),
    path("viec/", include("parindex.jobs.urls")),
    # the open read-only API (docs/api.md); any other address under it answers a JSON 404
    path("api/v1/", api_v1.urls()),
    re_path(r"^api/v1/(?P<rest>.*)$", api_v1.not_found, name="api_not_found"),
    path("admin/", admin.site.urls),
    # browsers ask for /favicon.ico whatever the page links to; lazy: the static files' manifest is
    # read at the first request, not when the URLs are imported (`manage.py check` needs no collectstatic)
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("core/favicon.ico"), permanent=True)),
    # for the reverse proxy and monitoring (parindex/core/health.py)
    path("healthz", health.healthz, name="healthz"),
]

if settings.LOADTEST_VIEWS:  # `make loadtest` only: the yardsticks the real pages are measured against
    from parindex.core import loadtest_views

    urlpatterns += [
        path("_bare/anon", loadtest_views.anon),
        path("_bare/auth", loadtest_views.auth),
    ]

# -- error pages in the site's layout (templates 403.html, 404.html, 500.html in parindex/core) --
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "parindex.core.views.server_error"
