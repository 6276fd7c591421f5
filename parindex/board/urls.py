from django.urls import path

from . import views

app_name = "board"
urlpatterns = [
    path("bang-theo-doi/<slug:level>/", views.board, name="board"),
    path("don-vi/<str:code>/", views.unit_card, name="unit"),
    path("don-vi/<str:code>/gia-han/", views.extension, name="extension"),
    path("tong-hop-xa/", views.commune_summary, name="commune_summary"),
]
