"""Appraisal URLs: the appraisers' workspace, teams, minutes (mounted at ky/<year>/tham-dinh/)."""

from django.urls import path

from . import minutes, views_teams, views_workspace

app_name = "appraisal"
urlpatterns = [
    path("", views_workspace.unit_list, name="list"),
    path("to/", views_teams.teams, name="teams"),
    path("<str:code>/", views_workspace.unit_page, name="unit"),
    path("<str:code>/bat-dau/", views_workspace.start, name="start"),
    path("<str:code>/muc/<str:item>/", views_workspace.appraise, name="appraise"),
    path("<str:code>/chap-nhan-tu-cham/", views_workspace.accept_self, name="accept_self"),
    path("<str:code>/xac-nhan/", views_workspace.confirm_unchanged, name="confirm"),
    path("<str:code>/giai-trinh/mo/", views_workspace.open_explanation, name="open_explanation"),
    path("<str:code>/vong-cuoi/", views_workspace.final_round, name="final_round"),
    path("<str:code>/chot/", views_workspace.finalize, name="finalize"),
    path("<str:code>/mo-lai/", views_workspace.reopen, name="reopen"),
    path("<str:code>/bien-ban/", minutes.minutes_page, name="minutes"),
    path("<str:code>/bien-ban.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("<str:code>/bien-ban.xlsx", minutes.minutes_xlsx, name="minutes_xlsx"),
]
