from django.urls import path

from . import exports, views

app_name = "assessments"
urlpatterns = [
    path("", views.sheet, name="sheet"),
    path("muc/<str:item>/", views.save_item, name="save_item"),
    path("muc/<str:item>/tai-lieu/", views.link, name="link"),
    path("lien-ket/<int:link_id>/xoa/", views.unlink, name="unlink"),
    path("tai-lieu/", views.library, name="library"),
    path("tai-lieu/<int:evidence_id>/", views.download, name="download"),
    path("thanh-phan/", views.participants, name="participants"),
    path("trinh/", views.send_for_approval, name="send_for_approval"),
    path("tra-lai/", views.send_back, name="send_back"),
    path("nop/", views.submit, name="submit"),
    path("rut/", views.withdraw, name="withdraw"),
    path("mo-lai/", views.reopen, name="reopen"),
    path("bao-cao/", exports.report, name="report"),
    path("bao-cao.pdf", exports.report_pdf, name="report_pdf"),
    path("bao-cao-pdf/tao/", exports.report_pdf_job, name="report_pdf_job"),
    path("excel/", exports.excel_export, name="excel_export"),
    path("excel/nhap/", exports.excel_import, name="excel_import"),
]
