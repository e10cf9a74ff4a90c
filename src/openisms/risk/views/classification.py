"""The classification scheme page: list the levels, add, rename, reorder, delete."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.risk.models import ClassificationLevel
from openisms.risk.services import classification as svc


class LevelForm(forms.Form):
    name = forms.CharField(max_length=60)
    order = forms.IntegerField(
        required=False, min_value=1, max_value=99, help_text="1 = least sensitive."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


@org_view("records.view")
def levels(request: HttpRequest) -> HttpResponse:
    form = LevelForm(request.POST or None)
    if request.method == "POST":
        request.org_access.require("risk.classification.change")
        if form.is_valid():
            try:
                level = svc.create_level(form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Level “{level.name}” added.")
                return redirect("core:risk:classification", request.org_access.organisation.slug)
    rows = ClassificationLevel.objects.annotate(n_assets=Count("assets")).order_by("order")
    return render(
        request,
        "risk/classification.html",
        {
            "levels": rows,
            "form": form,
            "can_change": request.org_access.can("risk.classification.change"),
        },
    )


@org_view("risk.classification.change")
def level_edit(request: HttpRequest, level_id: str) -> HttpResponse:
    level = get_object_or_404(ClassificationLevel, pk=level_id)
    initial = {"name": level.name, "order": level.order, "description": level.description}
    form = LevelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.update_level(level, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Level “{level.name}” saved.")
            return redirect("core:risk:classification", request.org_access.organisation.slug)
    return render(request, "risk/classification_form.html", {"form": form, "level": level})


@org_view("risk.classification.change")
@require_POST
def level_delete(request: HttpRequest, level_id: str) -> HttpResponse:
    level = get_object_or_404(ClassificationLevel, pk=level_id)
    try:
        svc.delete_level(level)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Level “{level.name}” deleted.")
    return redirect("core:risk:classification", request.org_access.organisation.slug)
