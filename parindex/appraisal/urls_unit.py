"""The unit's explanation round (mounted at ky/<year>/don-vi/<code>/giai-trinh/)."""

from django.urls import path

from . import views_explanation

app_name = "explanation"
urlpatterns = [
    path("", views_explanation.explanation_page, name="page"),
    path("muc/<str:item>/", views_explanation.explain, name="explain"),
    path("muc/<str:item>/tai-lieu/", views_explanation.add_evidence, name="add_evidence"),
]
