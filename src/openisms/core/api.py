"""API routes of the core: the caller, organisations, members, audit trail, approvals, tokens."""

import datetime as dt
import uuid
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from openisms.api.auth import acting_user, org_route
from openisms.api.common import ERRORS, Error, PageParams, Text, UtcDateTime, page_of, paginate
from openisms.core.access import user_memberships
from openisms.core.audit_anchors import build_anchor
from openisms.core.audit_trail import entries, verify_report
from openisms.core.models import ApiToken, Approval, AuditEntry, Membership
from openisms.core.models.audit import chain_key
from openisms.core.permissions import Role, actions_for
from openisms.core.services import deletion
from openisms.core.services import organisations as org_svc
from openisms.core.services.tokens import issue_token, revoke_token

router = Router(tags=["core"])
RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]


class MembershipOut(Schema):
    organisation: str
    organisation_name: str
    role: str
    expires_at: dt.datetime | None
    permissions: list[str]


class MeOut(Schema):
    username: str
    email: str
    is_superuser: bool
    memberships: list[MembershipOut]


def _membership_out(m: Membership) -> dict:
    return {
        "organisation": m.organisation.slug,
        "organisation_name": m.organisation.name,
        "role": m.role,
        "expires_at": m.expires_at,
        "permissions": actions_for(m.role),
    }


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller and their roles")
def me(request: HttpRequest):
    user = acting_user(request)
    return {
        "username": user.username,
        "email": user.email,
        "is_superuser": user.is_superuser,
        "memberships": [_membership_out(m) for m in user_memberships(user)],
    }


class OrganisationOut(Schema):
    slug: str
    name: str
    role: str


class OrganisationIn(Schema):
    slug: Text = Field(..., max_length=50)
    name: Text = Field(..., min_length=1, max_length=200)


@router.get("/organisations", response={200: page_of(OrganisationOut), **ERRORS})
def list_organisations(request: HttpRequest, page: Query[PageParams]):
    rows = [
        {"slug": m.organisation.slug, "name": m.organisation.name, "role": m.role}
        for m in user_memberships(acting_user(request))
    ]
    return paginate(rows, page)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS})
def create_organisation(request: HttpRequest, payload: OrganisationIn):
    user = acting_user(request)
    if not user.is_superuser:
        raise PermissionDenied("Only an install administrator may create organisations.")
    org = org_svc.create_organisation(payload.slug, payload.name, owner=user)
    return Status(201, {"slug": org.slug, "name": org.name, "role": Role.OWNER})


@router.get("/organisations/{slug}", response={200: OrganisationOut, **ERRORS})
@org_route("org.view")
def get_organisation(request: HttpRequest, slug: str):
    access = request.org_access
    return {"slug": access.organisation.slug, "name": access.organisation.name, "role": access.role}


class MemberOut(Schema):
    id: uuid.UUID
    username: str
    email: str
    role: str
    expires_at: dt.datetime | None


class MemberIn(Schema):
    username: Text = Field(..., min_length=1, max_length=150)
    role: RoleName
    expires_at: UtcDateTime | None = None


class MemberPatch(Schema):
    role: RoleName
    expires_at: UtcDateTime | None = None


def _member_out(m: Membership) -> dict:
    return {
        "id": m.pk,
        "username": m.user.username,
        "email": m.user.email,
        "role": m.role,
        "expires_at": m.expires_at,
    }


@router.get("/organisations/{slug}/members", response={200: page_of(MemberOut), **ERRORS})
@org_route("members.view")
def list_members(request: HttpRequest, slug: str, page: Query[PageParams]):
    org = request.org_access.organisation
    qs = (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("user__username")
    )
    result = paginate(qs, page)
    result["items"] = [_member_out(m) for m in result["items"]]
    return result


@router.post("/organisations/{slug}/members", response={201: MemberOut, **ERRORS})
@org_route("members.manage")
def add_member(request: HttpRequest, slug: str, payload: MemberIn):
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": "No active user with that username."})
    m = org_svc.set_membership(
        request.org_access.organisation, user, payload.role, expires_at=payload.expires_at
    )
    return Status(201, _member_out(m))


def _membership(request: HttpRequest, member_id: uuid.UUID) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"),
        pk=member_id,
        organisation=request.org_access.organisation,
    )


@router.patch("/organisations/{slug}/members/{member_id}", response={200: MemberOut, **ERRORS})
@org_route("members.manage")
def change_member(request: HttpRequest, slug: str, member_id: uuid.UUID, payload: MemberPatch):
    m = _membership(request, member_id)
    m = org_svc.set_membership(m.organisation, m.user, payload.role, expires_at=payload.expires_at)
    return _member_out(m)


@router.delete("/organisations/{slug}/members/{member_id}", response={204: None, **ERRORS})
@org_route("members.manage")
def remove_member(request: HttpRequest, slug: str, member_id: uuid.UUID):
    org_svc.remove_membership(_membership(request, member_id))
    return Status(204, None)


class AuditEntryOut(Schema):
    id: uuid.UUID
    seq: int
    at: dt.datetime
    user: str = Field(..., alias="actor_label")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    hash: str
    prev_hash: str
    algorithm: str = Field(..., description='"hmac-sha256", or "sha256" before keying')


class AuditFilters(PageParams):
    object_type: str = Field("", max_length=100)
    object_id: str = Field("", max_length=64)
    user: str = Field("", max_length=150)
    action: str = Field("", max_length=20)


@router.get(
    "/audit-trail",
    response={200: page_of(AuditEntryOut), **ERRORS},
    summary="The organisation's audit trail, newest first",
)
@org_route("audit_trail.view")
def audit_trail(request: HttpRequest, filters: Query[AuditFilters]):
    qs = entries(
        object_type=filters.object_type,
        object_id=filters.object_id,
        user=filters.user,
        action=filters.action,
    )
    return paginate(qs, filters)


class VerifyOut(Schema):
    intact: bool
    checked: int
    problems: list[str]
    keyed: int = Field(..., description="entries checked against the audit key")
    key_matches: bool | None = Field(..., description="null while there is no keyed entry")
    key_fingerprint: str = Field(..., description="names the configured key; reveals nothing")


@router.get("/audit-trail/verify", response={200: VerifyOut, **ERRORS})
@org_route("audit_trail.verify")
def audit_verify(request: HttpRequest):
    report = verify_report(chain_key(request.org_access.organisation))
    return {
        "intact": report.intact,
        "checked": report.checked,
        "problems": [str(p) for p in report.problems],
        "keyed": report.keyed,
        "key_matches": report.key_matches,
        "key_fingerprint": report.key_fingerprint,
    }


class AnchorChainOut(Schema):
    chain: str
    organisation: str | None
    seq: int
    hash: str
    at: str | None


class AnchorOut(Schema):
    format: str
    version: int
    created_at: str
    key_fingerprint: str
    chains: list[AnchorChainOut]


@router.get(
    "/audit-trail/anchor",
    response={200: AnchorOut, 409: Error, **ERRORS},
    summary="The chain head as an anchor to keep outside the install (openisms audit verify "
    "--anchor checks it)",
)
@org_route("audit_trail.anchor")
def audit_anchor(request: HttpRequest):
    chain = chain_key(request.org_access.organisation)
    if verify_report(chain).problems:
        return Status(409, {"detail": "Not anchoring: the audit trail fails verification."})
    return build_anchor(chain)


class ApprovalOut(Schema):
    id: uuid.UUID
    subject_type: str
    subject_id: str
    subject_repr: str
    kind: str
    content_hash: str
    version_label: str
    approver: str
    approver_role: str
    decision: str
    comment: str
    decided_at: dt.datetime

    @staticmethod
    def resolve_approver(obj: Approval) -> str:
        return obj.approver.username


@router.get("/approvals", response={200: page_of(ApprovalOut), **ERRORS})
@org_route("approvals.view")
def list_approvals(request: HttpRequest, page: Query[PageParams]):
    return paginate(Approval.objects.select_related("approver"), page)


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    hint: str
    organisation: str = Field(..., alias="organisation.slug")
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret. Shown once: store it now.")


class TokenIn(Schema):
    name: Text = Field(..., min_length=1, max_length=100)
    expires_at: UtcDateTime | None = None


@router.get("/tokens", response={200: page_of(TokenOut), **ERRORS})
@org_route("api_tokens.manage_own")
def list_tokens(request: HttpRequest, page: Query[PageParams]):
    qs = ApiToken.objects.filter(
        user=acting_user(request), organisation=request.org_access.organisation
    ).select_related("organisation")
    return paginate(qs, page)


@router.post("/tokens", response={201: TokenCreated, **ERRORS})
@org_route("api_tokens.manage_own")
def create_token(request: HttpRequest, payload: TokenIn):
    token, raw = issue_token(
        acting_user(request),
        request.org_access.organisation,
        payload.name,
        expires_at=payload.expires_at,
    )
    token.token = raw  # the one response that carries the secret
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
@org_route("api_tokens.manage_own")
def delete_token(request: HttpRequest, token_id: uuid.UUID):
    token = ApiToken.objects.filter(
        pk=token_id, user=acting_user(request), organisation=request.org_access.organisation
    ).first()
    if token is None:
        raise Http404("Token not found.")
    revoke_token(token)
    return Status(204, None)


__all__ = ["router", "AuditEntry"]


class DeletedOut(Schema):
    record_type: str = Field(..., description='"app_label.model", as in the restore path')
    type: str
    id: uuid.UUID
    label: str
    deleted_at: UtcDateTime
    deleted_by: str | None
    purge_on: UtcDateTime = Field(..., description="when the record is removed for good")


def _deleted_out(d: deletion.Deleted) -> dict:
    by = d.obj.deleted_by
    return {
        "record_type": d.kind,
        "type": d.type_label,
        "id": d.obj.pk,
        "label": str(d.obj),
        "deleted_at": d.obj.deleted_at,
        "deleted_by": by.get_username() if by else None,
        "purge_on": d.purge_on,
    }


@router.get(
    "/deleted",
    response={200: page_of(DeletedOut), **ERRORS},
    summary="Recently deleted records (restorable for 30 days), newest first",
)
@org_route("records.delete")
def list_deleted(request: HttpRequest, page: Query[PageParams]):
    result = paginate(deletion.recently_deleted(), page)
    result["items"] = [_deleted_out(d) for d in result["items"]]
    return result


@router.post(
    "/deleted/{record_type}/{record_id}/restore",
    response={200: DeletedOut, **ERRORS},
    summary="Restore a deleted record with its links",
)
@org_route("records.delete")
def restore_deleted(request: HttpRequest, record_type: str, record_id: uuid.UUID):
    obj = deletion.deleted_record(record_type, record_id)
    if obj is None:
        raise Http404("No such deleted record.")
    out = _deleted_out(deletion.Deleted(record_type, deletion.type_label(type(obj)), obj))
    deletion.restore(obj)
    return out
