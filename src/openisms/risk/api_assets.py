"""API: the asset inventory (A.5.9), with owners, classification and dependencies."""

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.risk import selectors
from openisms.risk.api_common import (
    LONG,
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    JsonObject,
    by_key,
    one_by_key,
    owner_out,
    patch_data,
)
from openisms.risk.models import Asset, AssetType, ClassificationLevel, Lifecycle
from openisms.risk.services import assets as asset_svc

router = Router()
AssetTypeName = Literal[tuple(AssetType.values)]  # type: ignore[valid-type]
LifecycleName = Literal[tuple(Lifecycle.values)]  # type: ignore[valid-type]
TEXT = ("name", "description", "location")
Tag = Annotated[Text, Field(max_length=40)]


class AssetOut(Schema):
    id: uuid.UUID
    ref: str
    name: str
    type: str
    description: str
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="the owner's person id")
    owner_role: str | None = Field(..., description="the ISMS role standing as owner, if any")
    owner_role_id: uuid.UUID | None
    custodian: str | None = Field(..., description=OWNER_OUT)
    custodian_id: uuid.UUID | None
    location: str
    classification: str | None = Field(..., description="classification level name")
    confidentiality: int
    integrity: int
    availability: int
    depends_on: list[str] = Field(..., description="refs of the assets this one depends on")
    lifecycle: str
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetDetail(AssetOut):
    dependants: list[str] = Field(..., description="refs of the assets that depend on this one")
    risks: list[str] = Field(..., description="refs of the risks to this asset")


class AssetIn(JsonObject):
    name: Text = Field(..., max_length=SHORT)
    type: AssetTypeName = AssetType.INFORMATION.value
    description: Text = Field("", max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    owner_role: Text | None = Field(
        None, max_length=200, description="an ISMS role (name or id) as owner instead of a person"
    )
    custodian: Text | None = Field(None, max_length=254, description=OWNER_IN)
    location: Text = Field("", max_length=SHORT)
    classification: Text | None = Field(None, max_length=60, description="level name")
    confidentiality: StrictInt = Field(3, ge=1, le=5)
    integrity: StrictInt = Field(3, ge=1, le=5)
    availability: StrictInt = Field(3, ge=1, le=5)
    depends_on: list[Text] = Field([], max_length=500, description="asset refs, e.g. A-0001")
    lifecycle: LifecycleName = Lifecycle.IN_USE.value
    tags: list[Tag] = Field([], max_length=50)


class AssetPatch(JsonObject):
    """Send only what changes; ``null`` clears an owner, custodian, classification or text."""

    name: Text | None = Field(None, max_length=SHORT)
    type: AssetTypeName | None = None
    description: Text | None = Field(None, max_length=LONG)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    owner_role: Text | None = Field(None, max_length=200)
    custodian: Text | None = Field(None, max_length=254, description=OWNER_IN)
    location: Text | None = Field(None, max_length=SHORT)
    classification: Text | None = Field(None, max_length=60)
    confidentiality: StrictInt | None = Field(None, ge=1, le=5)
    integrity: StrictInt | None = Field(None, ge=1, le=5)
    availability: StrictInt | None = Field(None, ge=1, le=5)
    depends_on: list[Text] | None = Field(None, max_length=500)
    lifecycle: LifecycleName | None = None
    tags: list[Tag] | None = Field(None, max_length=50)


class AssetFilters(PageParams):
    type: Text = Field("", max_length=12)
    owner: Text = Field("", max_length=150, description="person id, or a login's username")
    classification: Text = Field("", max_length=60, description="level name")
    lifecycle: Text = Field("", max_length=10)
    tag: Text = Field("", max_length=40)
    q: Text = Field("", max_length=100, description="words in the name, or a ref")


def _asset_out(a: Asset) -> dict[str, Any]:
    return {
        "id": a.pk,
        "ref": a.ref,
        "name": a.name,
        "type": a.type,
        "description": a.description,
        **owner_out(a),
        **owner_out(a, "custodian"),
        "owner_role": a.owner_role.name if a.owner_role else None,
        "owner_role_id": a.owner_role_id,
        "location": a.location,
        "classification": a.classification.name if a.classification else None,
        "confidentiality": a.confidentiality,
        "integrity": a.integrity,
        "availability": a.availability,
        "depends_on": sorted(d.ref for d in a.depends_on.all()),
        "lifecycle": a.lifecycle,
        "tags": list(a.tags or []),
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def _detail_out(asset_id: uuid.UUID) -> dict[str, Any]:
    a = get_object_or_404(
        Asset.objects.select_related(
            "owner", "owner_role", "custodian", "classification"
        ).prefetch_related("depends_on", "dependants", "risks"),
        pk=asset_id,
    )
    return {
        **_asset_out(a),
        "dependants": sorted(d.ref for d in a.dependants.all()),
        "risks": sorted(r.ref for r in a.risks.all()),
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Names in the request become the organisation's objects (the services re-check them)."""
    if "classification" in data:
        data["classification"] = one_by_key(
            ClassificationLevel, "classification", data["classification"], key="name"
        )
    if "depends_on" in data:
        data["depends_on"] = by_key(Asset, "depends_on", data["depends_on"] or [])
    return data


@router.get(
    "/assets",
    response={200: page_of(AssetOut), **ERRORS},
    summary="The asset inventory, filterable by type, owner, classification, lifecycle, tag, text",
)
@org_route("records.view")
def list_assets(request: HttpRequest, filters: Query[AssetFilters]):
    wanted = filters.model_dump(exclude={"limit", "offset"})
    # Scoped through the listed assets already; see risk.api_register.with_relations.
    qs = selectors.asset_inventory(wanted).prefetch_related(
        Prefetch("depends_on", queryset=Asset.unscoped.live().only("id", "ref"))
    )
    result = paginate(qs, filters)
    result["items"] = [_asset_out(a) for a in result["items"]]
    return result


@router.post("/assets", response={201: AssetDetail, **ERRORS})
@org_route("records.create")
def create_asset(request: HttpRequest, payload: AssetIn):
    asset = asset_svc.create_asset(_resolve(payload.model_dump()))
    return Status(201, _detail_out(asset.pk))


@router.get("/assets/{asset_id}", response={200: AssetDetail, **ERRORS})
@org_route("records.view")
def get_asset(request: HttpRequest, asset_id: uuid.UUID):
    return _detail_out(asset_id)


@router.patch("/assets/{asset_id}", response={200: AssetDetail, **ERRORS})
@org_route("records.change")
def change_asset(request: HttpRequest, asset_id: uuid.UUID, payload: AssetPatch):
    asset = get_object_or_404(Asset, pk=asset_id)
    asset_svc.update_asset(asset, _resolve(patch_data(payload, TEXT)))
    return _detail_out(asset.pk)


@router.delete("/assets/{asset_id}", response={204: None, **ERRORS})
@org_route("records.delete")
def delete_asset(request: HttpRequest, asset_id: uuid.UUID):
    asset_svc.delete_asset(get_object_or_404(Asset, pk=asset_id))
    return Status(204, None)
