"""The asset inventory: owners (A.5.9), classification (A.5.12), returns (A.5.11)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.core.views.pagination import paginate
from openisms.people.identity import owner_choices
from openisms.risk import selectors
from openisms.risk.forms_assets import AssetForm
from openisms.risk.models import Asset, AssetType, ClassificationLevel, Lifecycle
from openisms.risk.services import assets as svc

FILTERS = ("type", "owner", "classification", "lifecycle", "tag", "q")


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:100] for k in FILTERS}


@org_view("records.view")
def assets(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    rows = selectors.asset_inventory(filters).annotate(n_risks=Count("risks"))
    page = paginate(request, rows)
    access = request.org_access
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "active_filters": any(filters.values()),
        # Only worth a query when the filtered list is empty: is the inventory itself empty?
        "inventory_empty": not page.object_list and not Asset.objects.exists(),
        "can_create": access.can("records.create"),
        "can_import": access.can("records.import"),
        "can_export": access.can("records.export"),
    }
    if request.htmx:
        return render(request, "risk/_asset_rows.html", context)
    context.update(
        {
            "types": AssetType.choices,
            "lifecycles": Lifecycle.choices,
            "owners": owner_choices(ensure=False),
            "classifications": ClassificationLevel.objects.order_by("order"),
        }
    )
    return render(request, "risk/assets.html", context)


def _save(request: HttpRequest, asset: Asset | None) -> HttpResponse:
    form = AssetForm(request.POST or None, instance=asset)
    if request.method == "POST" and form.is_valid():
        try:
            if asset is None:
                saved = svc.create_asset(form.service_data())
            else:
                saved = svc.update_asset(asset, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verb = "added to the inventory" if asset is None else "saved"
            messages.success(request, f"{saved.ref} {saved.name} {verb}.")
            return redirect(
                "core:risk:asset_detail", request.org_access.organisation.slug, saved.pk
            )
    return render(request, "risk/asset_form.html", {"form": form, "asset": asset})


@org_view("records.create")
def asset_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("records.change")
def asset_edit(request: HttpRequest, asset_id: str) -> HttpResponse:
    asset = get_object_or_404(Asset, pk=asset_id)
    return _save(request, asset)


@org_view("records.view")
def asset_detail(request: HttpRequest, asset_id: str) -> HttpResponse:
    asset = get_object_or_404(
        Asset.objects.select_related("owner", "owner_role", "custodian", "classification"),
        pk=asset_id,
    )
    access = request.org_access
    return render(
        request,
        "risk/asset_detail.html",
        {
            "asset": asset,
            "depends_on": asset.depends_on.order_by("ref"),
            "dependants": asset.dependants.order_by("ref"),
            "risks": asset.risks.select_related("owner").order_by("ref"),
            "can_change": access.can("records.change"),
            "can_delete": access.can("records.delete"),
            "can_add_risk": access.can("records.create"),
            "can_audit": access.can("audit_trail.view"),
        },
    )


@org_view("records.delete")
def asset_delete(request: HttpRequest, asset_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    asset = get_object_or_404(Asset, pk=asset_id)
    return confirm_delete(
        request, asset, delete=svc.delete_asset,
        done_url=reverse("core:risk:assets", args=[slug]),
        back_url=reverse("core:risk:asset_detail", args=[slug, asset.pk]),
    )  # fmt: skip
