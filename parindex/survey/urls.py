"""Survey URLs (mounted at ky/<year>/dieu-tra/): the Sở Nội vụ's sociological survey of the period."""

from django.urls import path

from . import views

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
]
