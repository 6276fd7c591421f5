"""The respondent's questionnaire (mounted at phieu/): public, the secret link is the key (views_respond)."""

from django.urls import path

from . import views_respond

app_name = "respond"
urlpatterns = [
    path("<str:token>/", views_respond.welcome, name="welcome"),
    path("<str:token>/phan-<int:number>/", views_respond.section, name="section"),
    path("<str:token>/gui/", views_respond.review, name="review"),
]
