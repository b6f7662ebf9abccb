from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User


class LoginForm(AuthenticationForm):
    """Refuses a username longer than an account can have before asking whose it is, so that
    no failed sign-in is recorded for it (django-axes keeps at most 255 characters of one)."""

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length
        if len(username) > limit:
            raise forms.ValidationError(
                f"A username has at most {limit} characters; this one has {len(username)}."
            )
        return username


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's sign-in form (staff only), refusing the same usernames."""


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional. Needed only to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Your account was not deleted.")
        return password
