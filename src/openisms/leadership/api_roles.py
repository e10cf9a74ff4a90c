"""API: ISMS roles (5.3) with holders and required competences, ISMS processes, the RACI matrix."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.api.shared import LONG, SHORT, JsonObject, patch_data
from openisms.leadership import selectors
from openisms.leadership.models import IsmsProcess, IsmsRole
from openisms.leadership.services import roles as svc
from openisms.leadership.services.setup import seed_organisation

router = Router()
ROLE_TEXT = ("responsibilities", "authorities")
PROCESS_TEXT = ("clause", "description")
Letter = Literal["R", "A", "C", "I"]


def _order() -> Any:
    return Field(None, ge=0, le=32767, description="position in lists (lower first)")


class PersonRef(Schema):
    id: uuid.UUID
    full_name: str
    is_active: bool


class CompetenceRef(Schema):
    id: uuid.UUID
    name: str


class RoleOut(Schema):
    id: uuid.UUID
    name: str
    responsibilities: str
    authorities: str
    order: int
    holders: list[PersonRef]
    required_competences: list[CompetenceRef]
    created_at: dt.datetime


class RoleIn(JsonObject):
    name: Text = Field(..., min_length=1, max_length=SHORT)
    responsibilities: Text = Field("", max_length=LONG)
    authorities: Text = Field("", max_length=LONG)
    order: StrictInt | None = _order()
    holders: list[uuid.UUID] = Field([], max_length=100_000, description="person ids")
    required_competences: list[uuid.UUID] = Field([], max_length=1000, description="competence ids")


class RolePatch(JsonObject):
    """Send only what changes; ``holders`` and ``required_competences`` replace the lists."""

    name: Text | None = Field(None, min_length=1, max_length=SHORT)
    responsibilities: Text | None = Field(None, max_length=LONG)
    authorities: Text | None = Field(None, max_length=LONG)
    order: StrictInt | None = _order()
    holders: list[uuid.UUID] | None = Field(None, max_length=100_000)
    required_competences: list[uuid.UUID] | None = Field(None, max_length=1000)


class RoleFilters(PageParams):
    q: Text = Field("", max_length=100, description="words in the name")


class ProcessOut(Schema):
    id: uuid.UUID
    name: str
    clause: str = Field(..., description="ISO/IEC 27001:2022 clause refs, e.g. 6.1.2 or 7.2/7.3")
    description: str
    order: int


class ProcessIn(JsonObject):
    name: Text = Field(..., min_length=1, max_length=SHORT)
    clause: Text = Field("", max_length=60, description="e.g. 6.1.2; several as 7.2/7.3")
    description: Text = Field("", max_length=LONG)
    order: StrictInt | None = _order()


class ProcessPatch(JsonObject):
    name: Text | None = Field(None, min_length=1, max_length=SHORT)
    clause: Text | None = Field(None, max_length=60)
    description: Text | None = Field(None, max_length=LONG)
    order: StrictInt | None = _order()


class Cell(Schema):
    process_id: uuid.UUID
    role_id: uuid.UUID
    letter: str | None = Field(..., description="R, A, C, I, or null when not involved")


class CellIn(JsonObject):
    letter: Letter | None = Field(..., description="R, A, C, I, or null to clear the cell")


class RowWarning(Schema):
    process_id: uuid.UUID
    process: str
    problems: list[str]


class RoleColumn(Schema):
    id: uuid.UUID
    name: str


class Matrix(Schema):
    processes: list[ProcessOut]
    roles: list[RoleColumn]
    cells: list[Cell] = Field(..., description="only the cells that hold a letter")
    warnings: list[RowWarning] = Field(
        ..., description="processes without exactly one A or without any R"
    )


class Seeded(Schema):
    seeded: bool = Field(..., description="false when roles or processes existed already")


def _role_out(role: IsmsRole) -> dict[str, Any]:
    return {
        "id": role.pk,
        "name": role.name,
        "responsibilities": role.responsibilities,
        "authorities": role.authorities,
        "order": role.order,
        "holders": [
            {"id": p.pk, "full_name": p.full_name, "is_active": p.is_active}
            for p in role.holders.all()
        ],
        "required_competences": [
            {"id": c.pk, "name": c.name} for c in role.required_competences.all()
        ],
        "created_at": role.created_at,
    }


def _with_lists(qs: Any) -> Any:
    return qs.prefetch_related("holders", "required_competences")


def _role_detail(role_id: Any) -> dict[str, Any]:
    return _role_out(get_object_or_404(_with_lists(IsmsRole.objects.all()), pk=role_id))


def _process_out(p: IsmsProcess) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "clause": p.clause,
        "description": p.description,
        "order": p.order,
    }


def _drop_null_order(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("order", 0) is None:
        data.pop("order")
    return data


@router.get("/roles", response={200: page_of(RoleOut), **ERRORS}, summary="ISMS roles")
@org_route("records.view")
def list_roles(request: HttpRequest, filters: Query[RoleFilters]):
    qs = IsmsRole.objects.order_by("order", "name")
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    result = paginate(_with_lists(qs), filters)
    result["items"] = [_role_out(r) for r in result["items"]]
    return result


@router.post("/roles", response={201: RoleOut, **ERRORS})
@org_route("leadership.change")
def create_role(request: HttpRequest, payload: RoleIn):
    role = svc.create_role(_drop_null_order(payload.model_dump()))
    return Status(201, _role_detail(role.pk))


@router.get("/roles/{role_id}", response={200: RoleOut, **ERRORS})
@org_route("records.view")
def get_role(request: HttpRequest, role_id: uuid.UUID):
    return _role_detail(role_id)


@router.patch("/roles/{role_id}", response={200: RoleOut, **ERRORS})
@org_route("leadership.change")
def change_role(request: HttpRequest, role_id: uuid.UUID, payload: RolePatch):
    role = get_object_or_404(IsmsRole, pk=role_id)
    data = _drop_null_order(patch_data(payload, ROLE_TEXT))
    for name in ("name", "holders", "required_competences"):
        if name in data and data[name] is None:
            data.pop(name)  # null means "leave as is" for fields that cannot be empty
    svc.update_role(role, data)
    return _role_detail(role.pk)


@router.delete("/roles/{role_id}", response={204: None, **ERRORS})
@org_route("leadership.change")
def delete_role(request: HttpRequest, role_id: uuid.UUID):
    svc.delete_role(get_object_or_404(IsmsRole, pk=role_id))
    return Status(204, None)


@router.get("/processes", response={200: page_of(ProcessOut), **ERRORS}, summary="ISMS processes")
@org_route("records.view")
def list_processes(request: HttpRequest, filters: Query[PageParams]):
    result = paginate(IsmsProcess.objects.order_by("order", "name"), filters)
    result["items"] = [_process_out(p) for p in result["items"]]
    return result


@router.post("/processes", response={201: ProcessOut, **ERRORS})
@org_route("leadership.change")
def create_process(request: HttpRequest, payload: ProcessIn):
    return Status(201, _process_out(svc.create_process(_drop_null_order(payload.model_dump()))))


@router.get("/processes/{process_id}", response={200: ProcessOut, **ERRORS})
@org_route("records.view")
def get_process(request: HttpRequest, process_id: uuid.UUID):
    return _process_out(get_object_or_404(IsmsProcess, pk=process_id))


@router.patch("/processes/{process_id}", response={200: ProcessOut, **ERRORS})
@org_route("leadership.change")
def change_process(request: HttpRequest, process_id: uuid.UUID, payload: ProcessPatch):
    process = get_object_or_404(IsmsProcess, pk=process_id)
    data = _drop_null_order(patch_data(payload, PROCESS_TEXT))
    if "name" in data and data["name"] is None:
        data.pop("name")
    return _process_out(svc.update_process(process, data))


@router.delete("/processes/{process_id}", response={204: None, **ERRORS})
@org_route("leadership.change")
def delete_process(request: HttpRequest, process_id: uuid.UUID):
    svc.delete_process(get_object_or_404(IsmsProcess, pk=process_id))
    return Status(204, None)


@router.get(
    "/raci",
    response={200: Matrix, **ERRORS},
    summary="The RACI matrix: processes, roles, the cells with a letter, and rule warnings",
)
@org_route("records.view")
def get_matrix(request: HttpRequest):
    matrix = selectors.raci_matrix()
    return {
        "processes": [_process_out(p) for p in matrix["processes"]],
        "roles": [{"id": r.pk, "name": r.name} for r in matrix["roles"]],
        "cells": [
            {"process_id": p, "role_id": r, "letter": letter}
            for (p, r), letter in sorted(matrix["letters"].items(), key=lambda kv: str(kv[0]))
        ],
        "warnings": [
            {"process_id": w.process.pk, "process": w.process.name, "problems": w.problems}
            for w in matrix["warnings"]
        ],
    }


@router.put(
    "/raci/{process_id}/{role_id}",
    response={200: Cell, **ERRORS},
    summary="Set one cell of the RACI matrix (null clears it)",
)
@org_route("leadership.change")
def set_cell(request: HttpRequest, process_id: uuid.UUID, role_id: uuid.UUID, payload: CellIn):
    process = get_object_or_404(IsmsProcess, pk=process_id)
    role = get_object_or_404(IsmsRole, pk=role_id)
    cell = svc.set_cell(process, role, payload.letter)
    return {"process_id": process.pk, "role_id": role.pk, "letter": cell.letter if cell else None}


@router.post(
    "/defaults",
    response={200: Seeded, **ERRORS},
    summary="Add the default roles, processes and RACI matrix to an empty leadership module",
)
@org_route("leadership.change")
def seed_defaults(request: HttpRequest):
    return {"seeded": seed_organisation(request.org_access.organisation)}
