from django.urls import path

from . import views, views_edition

app_name = "criteria"
urlpatterns = [
    path("", views.index, name="index"),
    # the yearly edition (Sở Nội vụ only; views_edition.py), before the public detail's catch-all
    path("soan/", views_edition.editions, name="editions"),
    path("soan/<slug:set_id>/sao-nam-sau/", views_edition.start, name="edition_start"),
    path("soan/<slug:set_id>/", views_edition.edition, name="edition"),
    path("soan/<slug:set_id>/muc/<str:code>/", views_edition.item_edit, name="edition_item"),
    path("soan/<slug:set_id>/muc/<str:code>/xoa/", views_edition.item_remove, name="edition_remove"),
    path("soan/<slug:set_id>/them/<str:parent>/", views_edition.item_add, name="edition_add"),
    path("soan/<slug:set_id>/du-kien/", views_edition.expected_edit, name="edition_expected"),
    path("soan/<slug:set_id>/so-sanh/", views_edition.diff, name="edition_diff"),
    path("soan/<slug:set_id>/phe-duyet/", views_edition.approve, name="edition_approve"),
    path("soan/<slug:set_id>/xoa/", views_edition.delete, name="edition_delete"),
    path("soan/<slug:set_id>/phu-luc.xlsx", views_edition.appendix_export, name="edition_appendix"),
    path("soan/<slug:set_id>/nap-phu-luc/", views_edition.appendix_import, name="edition_appendix_import"),
    path("<slug:set_id>/", views.detail, name="detail"),
    path("<slug:set_id>/phu-luc.xlsx", views.appendix, name="appendix"),
]
