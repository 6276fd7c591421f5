"""District commune results (ky/<year>/huyen/<code>/ket-qua-xa/) and the public pages (cong-bo/)."""

from django.urls import path

from . import views_publication

app_name = "publication"
urlpatterns = [
    path("ky/<int:year>/huyen/<str:code>/ket-qua-xa/", views_publication.district_results, name="district"),
    path("ky/<int:year>/huyen/<str:code>/ket-qua-xa/cong-bo/", views_publication.publish, name="publish"),
    path("cong-bo/<int:year>/huyen/<str:code>/", views_publication.public_district, name="public_district"),
    path("cong-bo/<int:year>/huyen/<str:code>/ket-qua.xlsx", views_publication.public_xlsx, name="public_xlsx"),
    path("cong-bo/<int:year>/huyen/<str:code>/ket-qua.pdf", views_publication.public_pdf, name="public_pdf"),
]
