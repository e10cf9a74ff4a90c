"""Forms of the core pages; Django's CharField already refuses NUL characters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from openisms.core.models.organisation import slug_validator
from openisms.core.permissions import Role


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class DateInput(forms.DateInput):
    """The date input of every form: the browser's date picker, filled with an ISO value.

    ``<input type="date">`` accepts only ``YYYY-MM-DD``; Django's default format follows the
    locale (``08/09/2026`` in en-gb), which the browser shows as an empty field, so an edit form
    would save the date away.
    """

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.CharField(
        max_length=50,
        validators=[slug_validator],
        help_text="Short name used in addresses, e.g. acme. Lower-case letters, digits, hyphens.",
    )


class RoleFields(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    expires_at = forms.DateField(
        required=False,
        label="Access expires on",
        help_text="Required for auditors (default: 90 days). Leave empty for permanent access.",
        widget=DateInput(),
    )

    def clean_expires_at(self):
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError("Pick a date in the future.")
        return end_of_day(day)


class AddMemberForm(RoleFields):
    username = forms.CharField(max_length=150, label="Existing user (username or e-mail)")

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        User = get_user_model()
        user = (
            User.objects.filter(username__iexact=value, is_active=True).first()
            or User.objects.filter(email__iexact=value, is_active=True).first()
        )
        if user is None:
            raise forms.ValidationError(
                "No active user with that username or e-mail. Invite them instead."
            )
        self.cleaned_data["user"] = user
        return value


class InviteForm(RoleFields):
    email = forms.EmailField(label="E-mail of the person to invite")


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, min_length=10)
    password_again = forms.CharField(widget=forms.PasswordInput, label="Password (again)")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “nightly export”.")
    expires_at = forms.DateField(required=False, widget=DateInput(), label="Expires on")

    def clean_expires_at(self):
        day = self.cleaned_data.get("expires_at")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("Pick a date in the future.")
        if day is None:
            return None
        return end_of_day(day)
