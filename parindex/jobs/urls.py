from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trang-thai/", views.state, name="state"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
]
