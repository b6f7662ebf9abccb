"""Account pages: sign up, sign in, the account page, deleting an account, and the lockout."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_safe

from progress.limits import limited
from progress.models import Progress, ShareLink
from progress.views import never_stored, next_page

from .forms import DeleteAccountForm, LoginForm, SignupForm

User = get_user_model()


class AccountForm:
    """An account page with a form, answering as every other form of the site does: to GET,
    HEAD and POST only (Django's form views also take PUT as a POST), and with 400 when the
    form comes back with errors."""

    http_method_names = ["get", "head", "post"]

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=form), status=HTTPStatus.BAD_REQUEST
        )


class LoginView(AccountForm, auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"You are signed in as {form.get_user().username}.")
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You are signed out.")
        return response


class PasswordChangeView(AccountForm, auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(AccountForm, auth_views.PasswordResetView):
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(AccountForm, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


@require_http_methods(["GET", "HEAD", "POST"])
@limited("signup")
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("progress:dashboard")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # The username is the only unique value a new account writes: the same one was sent
            # twice at once (a double click), and the other sign-up took it.
            form.add_error("username", User._meta.get_field("username").error_messages["unique"])
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {user.username}: your account is ready. What you mark from now on "
                "is kept in it, on any device you sign in on.",
            )
            return redirect(next_page(request) or "progress:dashboard")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_page(request)},
        status=status,
    )


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    context = {
        "items": Progress.objects.filter(user=request.user).count(),
        "link": ShareLink.objects.filter(user=request.user).first(),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()
        return redirect("accounts:account_deleted")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "registration/delete_account.html", {"form": form}, status=status)


@require_safe
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/account_deleted.html")


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """Too many failed sign-ins for this username from this address: say so, with a 429."""
    context = {"form": LoginForm(request), "locked_out": True, "next": next_page(request)}
    return never_stored(render)(
        request, "registration/login.html", context, status=HTTPStatus.TOO_MANY_REQUESTS
    )
