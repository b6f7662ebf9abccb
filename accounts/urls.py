from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from progress.limits import limited
from progress.views import never_stored

from . import views

app_name = "accounts"


def password_checked(view):
    """A view that checks the signed-in account's password: its tries count against the
    "password" limit, once the visitor is known to be signed in (others are sent to sign in
    without using up their address's allowance)."""
    return never_stored(login_required(limited("password")(view)))


urlpatterns = [
    path("", never_stored(views.account), name="account"),
    path("signup/", never_stored(views.signup), name="signup"),
    path("login/", never_stored(limited("sign_in")(views.LoginView.as_view())), name="login"),
    path("logout/", never_stored(views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        password_checked(views.PasswordChangeView.as_view()),
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
    path("delete/", password_checked(views.delete_account), name="delete_account"),
    path("deleted/", never_stored(views.account_deleted), name="account_deleted"),
]
