from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
T = "accounts/"

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name=T + "login.html", redirect_authenticated_user=True),
         name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/doi/", auth_views.PasswordChangeView.as_view(
        template_name=T + "password_change.html", success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change"),
    path("mat-khau/doi/xong/", auth_views.PasswordChangeDoneView.as_view(template_name=T + "password_change_done.html"),
         name="password_change_done"),
    path("mat-khau/quen/", auth_views.PasswordResetView.as_view(
        template_name=T + "password_reset.html", email_template_name=T + "password_reset_email.txt",
        subject_template_name=T + "password_reset_subject.txt",
        success_url=reverse_lazy("accounts:password_reset_done")), name="password_reset"),
    path("mat-khau/quen/da-gui/",
         auth_views.PasswordResetDoneView.as_view(template_name=T + "password_reset_done.html"),
         name="password_reset_done"),
    path("mat-khau/dat-lai/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name=T + "password_reset_confirm.html", success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm"),
    path("mat-khau/dat-lai/xong/", auth_views.PasswordResetCompleteView.as_view(
        template_name=T + "password_reset_complete.html"), name="password_reset_complete"),
    # people and roles, in the site (the Django admin stays for the system administrator)
    path("nguoi-dung/", views.people, name="people"),
    path("nguoi-dung/vai-tro/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
]
