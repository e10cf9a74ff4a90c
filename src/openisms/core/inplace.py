"""Feedback where the person acted: an htmx form's answer is its section re-rendered with the
message inside it (errors stay next to their fields through the form), instead of a flash message
that would only appear on the next page opened. Every app's htmx forms answer through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


@dataclass(frozen=True)
class InPlace:
    """What `core/_inplace_messages.html` shows: `level` is "ok" or "danger"."""

    text: str
    level: str = "ok"


def section(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    message: str = "",
    *,
    level: str = "ok",
) -> HttpResponse:
    """The section's partial with `inplace` set; the partial includes the shared message."""
    inplace = InPlace(message, level) if message else None
    return render(request, template, {**context, "inplace": inplace})


def saved(
    request: HttpRequest,
    message: str,
    *,
    template: str,
    context: Any,
    redirect_to: str,
) -> HttpResponse:
    """After a successful save: htmx gets the section and the message in place; a plain form
    post (no JavaScript) gets the message on the page it is redirected to. `context` may be a
    callable so the section is only built for htmx."""
    if request.htmx:
        return section(request, template, context() if callable(context) else context, message)
    messages.success(request, message)
    return redirect(redirect_to)
