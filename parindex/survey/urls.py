"""Survey URLs (mounted at ky/<year>/dieu-tra/): the Sở Nội vụ's sociological survey of the period."""

from django.urls import path

from . import views, views_invitations

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
    # -- survey: respond (the links and letters of the online questionnaire)
    path("thu-moi/", views_invitations.index, name="invitations"),
    path("thu-moi/duong-dan.csv", views_invitations.csv_links, name="invitations_csv"),
    path("thu-moi/thu-moi.pdf", views_invitations.letters_pdf, name="invitations_pdf"),
    path("thu-moi/chua-tra-loi/", views_invitations.pending, name="invitations_pending"),
]
