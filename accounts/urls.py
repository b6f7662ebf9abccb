from django.contrib.auth import views as auth_views
from django.urls import path

from progress.limits import limited
from progress.views import never_stored

from . import views

app_name = "accounts"

urlpatterns = [
    path("", never_stored(views.account), name="account"),
    path("signup/", never_stored(views.signup), name="signup"),
    path("login/", never_stored(limited("sign_in")(views.LoginView.as_view())), name="login"),
    path("logout/", never_stored(views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        never_stored(limited("password")(views.PasswordChangeView.as_view())),
        name="password_change",
    ),
    path(
        "password/done/",
        never_stored(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        never_stored(limited("password_reset")(views.PasswordResetView.as_view())),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        never_stored(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        never_stored(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        never_stored(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("delete/", never_stored(limited("password")(views.delete_account)), name="delete_account"),
    path("deleted/", never_stored(views.account_deleted), name="account_deleted"),
]
