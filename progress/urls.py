from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from . import accounts, views

app_name = "progress"


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


urlpatterns = [
    path("accounts/", accounts.account, name="account"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("progress:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("progress:password_reset_done")
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("progress:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/delete/", accounts.delete_account, name="delete_account"),
    path("accounts/deleted/", accounts.account_deleted, name="account_deleted"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:career_slug>/", views.career_progress, name="career"),
    path("dashboard/<slug:career_slug>/goal/", views.set_goal, name="goal"),
    path("dashboard/<slug:career_slug>/reset/", views.reset, name="reset"),
    path("progress/items/<int:item_id>/", views.item_page, name="item"),
    path("progress/items/<int:item_id>/status/", views.set_status, name="status"),
    path("progress/items/<int:item_id>/note/", views.save_note, name="note"),
    path("progress/export.json", views.export_json, name="export_json"),
    path("progress/export.csv", views.export_csv, name="export_csv"),
    path("progress/import/", views.import_progress, name="import"),
    path("progress/share/", views.share, name="share"),
    # Only the alphabet of secrets.token_urlsafe (new_share_token): anything else, a NUL that
    # PostgreSQL would refuse included, is not found before it reaches the database.
    re_path(r"^share/(?P<token>[A-Za-z0-9_-]{1,64})/$", views.shared, name="shared"),
]
