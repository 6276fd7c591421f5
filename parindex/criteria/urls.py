from django.urls import path

from . import views

app_name = "criteria"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:set_id>/", views.detail, name="detail"),
]
