"""Account pages: sign up, the account page, deleting an account, and the sign-in lockout."""

from http import HTTPStatus

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from .forms import DeleteAccountForm, SignupForm
from .models import SESSION_OWNER, Goal, Progress, ShareLink


@receiver(user_logged_in)
def keep_visitor_progress(sender, request, user, **kwargs) -> None:
    """What a visitor saved before signing in joins their account (see the README's merge rule)."""
    session_key = request.session.pop(SESSION_OWNER, None) if request is not None else None
    if session_key:
        Progress.objects.merge_session_into(session_key, user)
        Goal.objects.merge_session_into(session_key, user)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("progress:dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_next(request) or "progress:dashboard")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(
        request, "registration/signup.html", {"form": form, "next": _next(request)}, status=status
    )


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    context = {
        "items": Progress.objects.filter(user=request.user).count(),
        "link": ShareLink.objects.filter(user=request.user).first(),
    }
    return render(request, "registration/account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()
        return redirect("progress:account_deleted")
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "registration/delete_account.html", {"form": form}, status=status)


@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/account_deleted.html")


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """Too many failed sign-ins for this username from this address: say so, with a 429."""
    context = {"form": AuthenticationForm(request), "locked_out": True, "next": _next(request)}
    return render(request, "registration/login.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
