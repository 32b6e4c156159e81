from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from edge.text import CleanCharField

from . import throttle
from .models import User


class SignupForm(UserCreationForm):
    email = forms.EmailField(help_text="Only for account emails; buyers never see it.")
    city = CleanCharField(
        max_length=80, required=False, help_text="Pre-filled as the location of your ads."
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "city")


class ThrottledLoginMixin:
    """Log-in that refuses a client who failed too often (``accounts.throttle``), saying for
    how long; the password is not even checked then, so guessing on costs nothing but time."""

    request: Any
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if self.request is not None:
            wait = throttle.locked_for(self.request, username)
            if wait:
                raise self.locked_error(wait)
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except ValidationError as error:
            if error.code == "invalid_login" and self.request is not None:
                wait = throttle.record_failure(self.request, username)
                if wait:
                    raise self.locked_error(wait) from None
            raise
        if self.request is not None:
            throttle.record_success(self.request, username)
        return cleaned

    @staticmethod
    def locked_error(seconds: int) -> ValidationError:
        return ValidationError(
            "Too many failed log-in attempts. For your account's safety, logging in is paused: "
            f"try again in {throttle.wait_text(seconds)}.",
            code="locked",
        )

    @property
    def is_locked(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, code="locked")  # type: ignore[attr-defined]


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
