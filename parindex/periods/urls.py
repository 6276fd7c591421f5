from django.urls import path

from . import views

app_name = "periods"
urlpatterns = [
    path("", views.period_list, name="list"),
    path("tao/", views.period_create, name="create"),
    path("<int:year>/", views.period_detail, name="detail"),
    path("<int:year>/moc-thoi-gian/", views.timeline_edit, name="timeline"),
    path("<int:year>/mo/", views.period_open, name="open"),
    path("<int:year>/danh-sach-don-vi/", views.period_units, name="units"),
]
