from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="criteria:index", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("bo-tieu-chi/", include("parindex.criteria.urls")),
    path("admin/", admin.site.urls),
]
