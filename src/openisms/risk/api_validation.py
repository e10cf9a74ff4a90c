"""API: the risk validation panel's findings, and the schemas other routes reuse to report
findings (the SoA's freeze refusal, the treatment plan's approval refusal)."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from openisms.api.auth import org_route
from openisms.api.common import ERRORS
from openisms.risk import validation

router = Router()


class ValidationFinding(Schema):
    code: str = Field(..., description="the rule, e.g. no_owner")
    severity: str = Field(..., description="blocks or warns")
    blocking: bool
    title: str
    record: str = Field(..., description="what the finding concerns, e.g. R-0004 Phishing")
    message: str
    url: str = Field(..., description="page of the record; empty if the caller may not open it")


class RiskValidationOut(Schema):
    count: int
    blocking: int = Field(..., description="findings that stop the treatment plan's approval")
    by_rule: dict[str, int]
    findings: list[ValidationFinding]


class FindingsRefused(Schema):
    """422: invalid input (``detail`` only), or refused while blocking findings remain."""

    detail: Any = Field(..., description="Why the request was refused.")
    findings: list[ValidationFinding] = Field(
        [], description="the blocking findings to fix first (empty for invalid input)"
    )


def finding_out(f: Any) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "blocking": f.blocking,
        "title": f.title,
        "record": f.record,
        "message": f.message,
        "url": f.url,
    }


def findings_out(items: list[Any], request: HttpRequest) -> list[dict[str, Any]]:
    return [finding_out(f) for f in validation.for_role(items, request.org_access)]


@router.get(
    "/validation",
    response={200: RiskValidationOut, **ERRORS},
    summary="What an auditor would reject in the risk register and the treatment plan",
    description="`blocks` findings (risks without an owner) stop top management's approval of "
    "the treatment plan; `warns` findings are shown and stop nothing.",
)
@org_route("records.view")
def risk_validation(request: HttpRequest) -> Any:
    items = validation.findings()
    return {
        "count": len(items),
        "blocking": sum(1 for f in items if f.blocking),
        "by_rule": {g["rule"]: g["count"] for g in validation.grouped(items)},
        "findings": findings_out(items, request),
    }
