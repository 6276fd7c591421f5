"""Survey URLs (mounted at ky/<year>/dieu-tra/): the Sở Nội vụ's sociological survey of the period."""

from django.urls import path

from . import views, views_import, views_invitations, views_monitor, views_paper, views_results

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
    # -- survey: paper (paper forms, double entry, file import, monitoring)
    path("phieu-giay/phat-hanh/", views_paper.issue, name="paper_issue"),
    path("phieu-giay/in.pdf", views_paper.print_forms, name="paper_print"),
    path("phieu-giay/nhap/", views_paper.entry, name="paper_entry"),
    path("phieu-giay/doi-chieu/", views_paper.mismatch_list, name="paper_mismatches"),
    path("phieu-giay/doi-chieu/<str:serial>/", views_paper.resolve, name="paper_resolve"),
    path("nhap-tep/", views_import.upload, name="import_upload"),
    path("nhap-tep/chon-cot/", views_import.mapping, name="import_map"),
    path("tien-do/", views_monitor.monitor, name="monitor"),
    # -- survey: respond (the links and letters of the online questionnaire)
    path("thu-moi/", views_invitations.index, name="invitations"),
    path("thu-moi/duong-dan.csv", views_invitations.csv_links, name="invitations_csv"),
    path("thu-moi/thu-moi.pdf", views_invitations.letters_pdf, name="invitations_pdf"),
    path("thu-moi/chua-tra-loi/", views_invitations.pending, name="invitations_pending"),
    # -- survey: close (results, resolutions, closing, the processing report)
    path("ket-qua/", views_results.results_page, name="results"),
    path("ket-qua/quyet-dinh/", views_results.resolve, name="resolve"),
    path("chot/", views_results.close_page, name="close"),
    path("dinh-chinh/", views_results.correct_page, name="correct"),
    path("bao-cao/", views_results.report_page, name="report"),
    path("bao-cao.xlsx", views_results.report_xlsx, name="report_xlsx"),
    path("bao-cao.pdf", views_results.report_pdf, name="report_pdf"),
]
