"""API: the risk register (6.1.2), acceptance of residual risk, and the heat map."""

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, PageParams, Text, page_of, paginate
from openisms.catalogue.models import Requirement
from openisms.core.services.approvals import approval_status
from openisms.risk import selectors
from openisms.risk.api_common import (
    LONG,
    OWNER_IN,
    OWNER_OUT,
    SHORT,
    ActionOut,
    ApprovalOut,
    ApprovalState,
    Comment,
    JsonObject,
    LevelOut,
    ScalePointOut,
    action_out,
    approval_out,
    by_key,
    level_name,
    method_out,
    one_by_key,
    owner_out,
    patch_data,
    state_out,
)
from openisms.risk.models import (
    Asset,
    Methodology,
    Risk,
    RiskKind,
    RiskStatus,
    Threat,
    Treatment,
    Vulnerability,
)
from openisms.risk.scoring import Method
from openisms.risk.services import methodology as methods
from openisms.risk.services import risks as risk_svc

router = Router()
KindName = Literal[tuple(RiskKind.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(RiskStatus.values)]  # type: ignore[valid-type]
TreatmentName = Literal[("", *Treatment.values)]  # type: ignore[valid-type]
TEXT = ("title", "description", "existing_controls", "treatment_rationale", "other_controls")
SCORE = "a point of the method's scale, 1 = lowest; likelihood and impact go together"


class RiskOut(Schema):
    id: uuid.UUID
    ref: str
    kind: str
    title: str
    description: str
    assets: list[str] = Field(..., description="asset refs")
    threat: str | None = Field(..., description="threat code")
    vulnerability: str | None = Field(..., description="vulnerability code")
    owner: str | None = Field(..., description=OWNER_OUT)
    owner_id: uuid.UUID | None = Field(..., description="person id")
    existing_controls: str
    inherent_likelihood: int | None
    inherent_impact: int | None
    inherent_level: str | None = Field(..., description="level key, computed by the method")
    inherent_level_name: str | None
    treatment: str
    treatment_rationale: str
    controls: list[str] = Field(..., description="Annex A controls chosen to treat it")
    other_controls: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str | None = Field(..., description="level key, computed by the method")
    residual_level_name: str | None
    status: str
    next_review: dt.date | None
    accepted_at: dt.datetime | None
    acceptance_imported: bool = Field(
        ...,
        description="accepted in an imported file (who and when as the file says, below), not "
        "signed here: awaiting re-confirmation by an authorised role",
    )
    imported_accepted_by: str = Field(..., description="who accepted it, as the file says")
    imported_accepted_role: str
    imported_acceptance_comment: str
    methodology_version: int | None = Field(..., description="method version that scored it")
    created_at: dt.datetime
    updated_at: dt.datetime


class ScoreOut(Schema):
    at: dt.datetime
    methodology_version: int
    reason: str
    inherent_likelihood: int | None
    inherent_impact: int | None
    inherent_level: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_level: str


class RiskDetail(RiskOut):
    actions: list[ActionOut]
    acceptance: ApprovalState
    score_history: list[ScoreOut] = Field(..., description="newest first")


class RiskIn(JsonObject):
    title: Text = Field(..., max_length=SHORT)
    kind: KindName = RiskKind.RISK.value
    description: Text = Field("", max_length=LONG)
    assets: list[Text] = Field([], max_length=500, description="asset refs, e.g. A-0001")
    threat: Text | None = Field(None, max_length=20, description="threat code")
    vulnerability: Text | None = Field(None, max_length=20, description="vulnerability code")
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    existing_controls: Text = Field("", max_length=LONG)
    inherent_likelihood: StrictInt | None = Field(None, description=SCORE)
    inherent_impact: StrictInt | None = Field(None, description=SCORE)
    treatment: TreatmentName = ""
    treatment_rationale: Text = Field("", max_length=LONG)
    controls: list[Text] = Field([], max_length=200, description="Annex A refs, e.g. A.8.13")
    other_controls: Text = Field("", max_length=LONG)
    residual_likelihood: StrictInt | None = Field(None, description=SCORE)
    residual_impact: StrictInt | None = Field(None, description=SCORE)
    status: StatusName | None = Field(
        None, description="“accepted” only through …/accept, which records the sign-off"
    )
    next_review: dt.date | None = Field(None, description="default: the method's review cycle")


class RiskPatch(JsonObject):
    """Send only what changes; ``null`` clears a text, score, owner, threat or vulnerability."""

    title: Text | None = Field(None, max_length=SHORT)
    kind: KindName | None = None
    description: Text | None = Field(None, max_length=LONG)
    assets: list[Text] | None = Field(None, max_length=500)
    threat: Text | None = Field(None, max_length=20)
    vulnerability: Text | None = Field(None, max_length=20)
    owner: Text | None = Field(None, max_length=254, description=OWNER_IN)
    existing_controls: Text | None = Field(None, max_length=LONG)
    inherent_likelihood: int | None = None
    inherent_impact: int | None = None
    treatment: TreatmentName | None = None
    treatment_rationale: Text | None = Field(None, max_length=LONG)
    controls: list[Text] | None = Field(None, max_length=200)
    other_controls: Text | None = Field(None, max_length=LONG)
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    status: StatusName | None = None
    next_review: dt.date | None = None


class RegisterFilters(Schema):
    owner: Text = Field("", max_length=150, description="username")
    level: Text = Field("", max_length=30, description="inherent level key")
    residual_level: Text = Field("", max_length=30, description="residual level key")
    status: Text = Field("", max_length=20)
    asset: Text = Field("", max_length=20, description="asset ref")
    control: Text = Field("", max_length=20, description="Annex A ref")
    treatment: Text = Field("", max_length=10, description="a treatment, or “none”")
    kind: Text = Field("", max_length=12)
    q: Text = Field("", max_length=100, description="words in the title, or a ref")


class RiskFilters(PageParams, RegisterFilters):
    map: Literal["inherent", "residual"] = Field("inherent", description="the map `cell` is on")
    cell: Text = Field("", max_length=10, description="“likelihood-impact”, e.g. 4-3")


class Scoring:
    """What every risk in a response is described with, read once per request."""

    def __init__(self) -> None:
        self.method: Method = methods.current().method
        self.versions = dict(Methodology.objects.values_list("pk", "version"))

    def out(self, r: Risk) -> dict[str, Any]:
        """Needs ``owner``, ``threat``, ``vulnerability`` selected, ``assets``, ``controls``
        prefetched (see :func:`with_relations`)."""
        return {
            "id": r.pk, "ref": r.ref, "kind": r.kind, "title": r.title,
            "description": r.description,
            "assets": sorted(a.ref for a in r.assets.all()),
            "threat": r.threat.code if r.threat_id else None,
            "vulnerability": r.vulnerability.code if r.vulnerability_id else None,
            **owner_out(r, "owner"),
            "existing_controls": r.existing_controls,
            "inherent_likelihood": r.inherent_likelihood, "inherent_impact": r.inherent_impact,
            "inherent_level": r.inherent_level or None,
            "inherent_level_name": level_name(self.method, r.inherent_level),
            "treatment": r.treatment, "treatment_rationale": r.treatment_rationale,
            "controls": sorted(c.ref for c in r.controls.all()),
            "other_controls": r.other_controls,
            "residual_likelihood": r.residual_likelihood, "residual_impact": r.residual_impact,
            "residual_level": r.residual_level or None,
            "residual_level_name": level_name(self.method, r.residual_level),
            "status": r.status, "next_review": r.next_review, "accepted_at": r.accepted_at,
            "acceptance_imported": r.acceptance_imported,
            "imported_accepted_by": r.imported_accepted_by,
            "imported_accepted_role": r.imported_accepted_role,
            "imported_acceptance_comment": r.imported_acceptance_comment,
            "methodology_version": self.versions.get(r.methodology_id),
            "created_at": r.created_at, "updated_at": r.updated_at,
        }  # fmt: skip


def with_relations(qs: QuerySet[Risk]) -> QuerySet[Risk]:
    # The rows are reached through risks already scoped to the organisation; repeating the
    # organisation filter on the join makes SQLite's planner walk every asset (≈200 ms at 10k).
    return qs.prefetch_related(
        Prefetch("assets", queryset=Asset.unscoped.live().only("id", "ref")),
        Prefetch("controls", queryset=Requirement.objects.only("id", "ref")),
    )


def _detail_out(risk_id: uuid.UUID) -> dict[str, Any]:
    qs = with_relations(Risk.objects.select_related("owner", "threat", "vulnerability"))
    risk = get_object_or_404(
        qs.prefetch_related("score_history", "actions__owner", "actions__control"), pk=risk_id
    )
    actions = list(risk.actions.all())
    for a in actions:
        a.risk = risk  # spare a query per action
    return {
        **Scoring().out(risk),
        "actions": [action_out(a) for a in actions],
        "acceptance": state_out(approval_status(risk, risk_svc.ACCEPTANCE_KIND)),
        "score_history": list(risk.score_history.all()),
    }


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    """Names in the request become the organisation's objects (the services re-check them)."""
    for field, model in (("threat", Threat), ("vulnerability", Vulnerability)):
        if field in data:
            data[field] = one_by_key(model, field, data[field], key="code")
    if "assets" in data:
        data["assets"] = by_key(Asset, "assets", data["assets"] or [])
    if "controls" in data:
        data["controls"] = data["controls"] or []
    if data.get("treatment") is None and "treatment" in data:
        data["treatment"] = ""
    return data


@router.get(
    "/risks",
    response={200: page_of(RiskOut), **ERRORS},
    summary="The risk register, filterable like the register page (and by heat-map cell)",
)
@org_route("records.view")
def list_risks(request: HttpRequest, filters: Query[RiskFilters]):
    wanted = filters.model_dump(exclude={"limit", "offset"})
    result = paginate(with_relations(selectors.risk_register(wanted)), filters)
    scoring = Scoring()
    result["items"] = [scoring.out(r) for r in result["items"]]
    return result


@router.post("/risks", response={201: RiskDetail, **ERRORS})
@org_route("records.create")
def create_risk(request: HttpRequest, payload: RiskIn):
    data = payload.model_dump(exclude_unset=True)
    if data.get("status") is None:
        data.pop("status", None)
    risk = risk_svc.create_risk(_resolve(data))
    return Status(201, _detail_out(risk.pk))


@router.get("/risks/{risk_id}", response={200: RiskDetail, **ERRORS})
@org_route("records.view")
def get_risk(request: HttpRequest, risk_id: uuid.UUID):
    return _detail_out(risk_id)


@router.patch("/risks/{risk_id}", response={200: RiskDetail, **ERRORS})
@org_route("records.change")
def change_risk(request: HttpRequest, risk_id: uuid.UUID, payload: RiskPatch):
    risk = get_object_or_404(Risk, pk=risk_id)
    risk_svc.update_risk(risk, _resolve(patch_data(payload, TEXT)))
    return _detail_out(risk.pk)


@router.delete("/risks/{risk_id}", response={204: None, **ERRORS})
@org_route("records.delete")
def delete_risk(request: HttpRequest, risk_id: uuid.UUID):
    risk_svc.delete_risk(get_object_or_404(Risk, pk=risk_id))
    return Status(204, None)


class AcceptOut(Schema):
    risk: RiskDetail
    approval: ApprovalOut


@router.post(
    "/risks/{risk_id}/accept",
    response={200: AcceptOut, **ERRORS},
    summary="Accept the residual risk (the method's criteria say which roles may, per level)",
)
@org_route("risk.accept")
def accept_risk(request: HttpRequest, risk_id: uuid.UUID, payload: Comment):
    risk = get_object_or_404(Risk.objects.select_related("methodology"), pk=risk_id)
    approval = risk_svc.accept_risk(risk, user=acting_user(request), comment=payload.comment)
    return {"risk": _detail_out(risk.pk), "approval": approval_out(approval)}


# --- heat map ------------------------------------------------------------------------------


class HeatCellOut(Schema):
    likelihood: int
    impact: int
    level: str
    level_name: str
    colour: str
    count: int


class HeatMapOut(Schema):
    which: Literal["inherent", "residual"]
    likelihood: list[ScalePointOut] = Field(..., description="scale labels, 1 = lowest")
    impact: list[ScalePointOut]
    levels: list[LevelOut]
    rows: list[list[HeatCellOut]] = Field(
        ..., description="one row per likelihood, highest first; cells by impact, lowest first"
    )
    total: int = Field(..., description="risks on the map")
    unscored: int = Field(..., description="risks matching the filters but not yet scored")


class HeatFilters(RegisterFilters):
    which: Literal["inherent", "residual"] = "inherent"


@router.get(
    "/heatmap",
    response={200: HeatMapOut, **ERRORS},
    summary="Risks counted per likelihood × impact cell, with the register's filters",
)
@org_route("records.view")
def heatmap(request: HttpRequest, filters: Query[HeatFilters]):
    found = selectors.heat_map(filters.which, filters.model_dump(exclude={"which"}))
    method: Method = found["method"]
    described = method_out(method)
    return {
        "which": found["which"],
        "likelihood": described["likelihood"],
        "impact": described["impact"],
        "levels": described["levels"],
        "rows": [
            [
                {
                    "likelihood": c.likelihood,
                    "impact": c.impact,
                    "level": c.level.key,
                    "level_name": c.level.name,
                    "colour": c.level.colour,
                    "count": c.count,
                }
                for c in row
            ]
            for row in found["rows"]
        ],
        "total": found["total"],
        "unscored": found["unscored"],
    }
