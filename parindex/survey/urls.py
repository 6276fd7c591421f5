"""Survey URLs (mounted at ky/<year>/dieu-tra/): the Sở Nội vụ's sociological survey of the period."""

from django.urls import path

from . import views, views_results

app_name = "survey"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("thiet-ke/", views.design_page, name="design"),
    path("thiet-ke/nhom/<str:group>/", views.group_page, name="group"),
    path("thiet-ke/sua/", views.edit, name="edit"),
    path("thiet-ke.yaml", views.download, name="download"),
    path("tieu-chi-chua-hoi/", views.gaps_page, name="gaps"),
    path("co-mau/", views.plan_page, name="plan"),
    path("mo/", views.open_page, name="open"),
    # -- survey: close (results, resolutions, closing, the processing report)
    path("ket-qua/", views_results.results_page, name="results"),
    path("ket-qua/quyet-dinh/", views_results.resolve, name="resolve"),
    path("chot/", views_results.close_page, name="close"),
    path("dinh-chinh/", views_results.correct_page, name="correct"),
    path("bao-cao/", views_results.report_page, name="report"),
    path("bao-cao.xlsx", views_results.report_xlsx, name="report_xlsx"),
    path("bao-cao.pdf", views_results.report_pdf, name="report_pdf"),
]
