"""Signing out gives the browser a new CSRF token, as signing in does (Django's login rotates it,
its logout does not): a page still open in another tab, made for the account, then has its
changes refused as out of date (403_csrf.html) instead of saving them, unseen, into a new
anonymous session."""

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.middleware.csrf import rotate_token


@receiver(user_logged_out)
def new_token_on_sign_out(sender, request, **kwargs) -> None:
    if request is not None:
        rotate_token(request)
