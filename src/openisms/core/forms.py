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


# -- searchable pickers ----------------------------------------------------------------------
# Above this many options a picker with a search address renders only the chosen options and
# asks the server for the rest as the user types (tens of thousands of assets or risks).
SEARCH_AFTER = 300


class SearchableSelect(forms.Select):
    """A select that ``app.js`` turns into a searchable picker (Tom Select, served by the app).

    Without JavaScript it stays a plain select. With ``search_url`` and ``remote`` set, only the
    chosen options are rendered and the picker loads the others from that JSON address.
    """

    def __init__(
        self, attrs: dict[str, Any] | None = None, choices: Any = (), search_url: str = ""
    ) -> None:
        super().__init__(attrs, choices)
        self.search_url = search_url
        self.remote = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-searchable"] = ""
        widget_attrs.pop("size", None)  # the picker sizes itself; a plain list stays compact
        if self.remote:
            widget_attrs["data-search-url"] = self.search_url
        return context

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> list:
        if not self.remote:
            return super().optgroups(name, value, attrs)
        full = self.choices
        self.choices = self._chosen(full, [v for v in value if v])
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def _chosen(self, choices: Any, values: list[str]) -> list[tuple[Any, str]]:
        """Only the chosen options of a model choice field (one query, whatever the list size)."""
        field = choices.field
        head = [("", field.empty_label)] if getattr(field, "empty_label", None) else []
        if not values:
            return head
        key = field.to_field_name or "pk"
        try:
            objs = list(choices.queryset.filter(**{f"{key}__in": values}))
        except (ValueError, ValidationError):  # a tampered value: nothing to show
            objs = []
        return head + [choices.choice(obj) for obj in objs]


class SearchableSelectMultiple(SearchableSelect, forms.SelectMultiple):
    """The multiple-choice picker: type to search, chips to remove; a plain multi-select without
    JavaScript."""

    allow_multiple_selected = True


def searchable(form: forms.Form, *names: str, search_url: str = "") -> None:
    """Turn the named choice fields of ``form`` into searchable pickers.

    Called at the end of a form's ``__init__`` (after the querysets are set). With ``search_url``
    a list longer than :data:`SEARCH_AFTER` is searched on the server (one count query).
    """
    for name in names:
        field = form.fields.get(name)
        if field is None:  # removed for this user (e.g. owner when they may not change it)
            continue
        old = field.widget
        cls = SearchableSelectMultiple if old.allow_multiple_selected else SearchableSelect
        widget = cls(attrs=dict(old.attrs), search_url=search_url)
        widget.is_required = old.is_required
        widget.choices = field.choices
        queryset = getattr(field, "queryset", None)
        if search_url and queryset is not None and queryset.count() > SEARCH_AFTER:
            widget.remote = True
        field.widget = widget
