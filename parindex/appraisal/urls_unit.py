"""The unit's explanation round (mounted at ky/<year>/don-vi/<code>/giai-trinh/)."""

from django.urls import path

from . import views_workspace

app_name = "explanation"
urlpatterns = [
    path("", views_workspace.explanation_page, name="page"),
    path("muc/<str:item>/", views_workspace.explain, name="explain"),
    path("muc/<str:item>/tai-lieu/", views_workspace.add_evidence, name="add_evidence"),
]
