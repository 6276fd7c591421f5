from django.contrib import admin
from django.urls import include, path

from parindex.board import views as board_views

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
    path("", include("parindex.publication.urls")),
    path("admin/", admin.site.urls),
]
