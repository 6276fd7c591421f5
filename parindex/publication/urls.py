"""Publication URLs: a district's commune results (ky/<year>/huyen/<code>/ket-qua-xa/) and the public pages
(cong-bo/: every year with publications; cong-bo/<year>/: every publication of the year, the province's
results on top; cong-bo/<year>/don-vi/<code>/: a department or district; cong-bo/tong-hop/: every year)."""

from django.urls import path

from . import views, views_province, views_public

app_name = "publication"
urlpatterns = [
    path("ky/<int:year>/huyen/<str:code>/ket-qua-xa/", views.district_results, name="district"),
    path("ky/<int:year>/huyen/<str:code>/ket-qua-xa/cong-bo/", views.publish, name="publish"),
    path("ky/<int:year>/ket-qua-tinh/", views_province.province_results, name="province"),
    path("ky/<int:year>/ket-qua-tinh/<str:step>/", views_province.province_step, name="province_step"),
    path("cong-bo/", views.public_index, name="index"),
    path("cong-bo/tong-hop/", views_public.summary, name="summary"),
    path("cong-bo/tong-hop.xlsx", views_public.summary_xlsx, name="summary_xlsx"),
    path("cong-bo/<int:year>/", views.public_year, name="year"),
    path("cong-bo/<int:year>/don-vi/<str:code>/", views_public.unit, name="public_unit"),
    path("cong-bo/<int:year>/ket-qua.xlsx", views_public.download_xlsx, name="province_xlsx"),
    path("cong-bo/<int:year>/ket-qua.csv", views_public.download_csv, name="province_csv"),
    path("cong-bo/<int:year>/ket-qua.pdf", views_public.download_pdf, name="province_pdf"),
    path("cong-bo/<int:year>/huyen/<str:code>/", views.public_district, name="public_district"),
    path("cong-bo/<int:year>/huyen/<str:code>/ket-qua.xlsx", views.public_xlsx, name="public_xlsx"),
    path("cong-bo/<int:year>/huyen/<str:code>/ket-qua.pdf", views.public_pdf, name="public_pdf"),
]
