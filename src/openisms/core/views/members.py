"""Membership administration for owners, and accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.context import acting_as, org_context
from openisms.core.forms import (
    AcceptInvitationForm,
    AddMemberForm,
    InviteForm,
    RoleFields,
    apply_errors,
)
from openisms.core.models import Invitation, Membership
from openisms.core.services import organisations as svc


@org_view("members.view")
def members(request: HttpRequest) -> HttpResponse:
    org = request.org_access.organisation
    return render(
        request,
        "core/members.html",
        {
            "memberships": Membership.objects.filter(organisation=org).select_related("user"),
            "invitations": [i for i in Invitation.objects.filter(organisation=org) if i.is_open],
            "add_form": AddMemberForm(),
            "invite_form": InviteForm(),
            "can_manage": request.org_access.can("members.manage"),
        },
    )


@org_view("members.manage")
@require_POST
def add_member(request: HttpRequest) -> HttpResponse:
    org = request.org_access.organisation
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            m = svc.set_membership(
                org,
                form.cleaned_data["user"],
                form.cleaned_data["role"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{m.user.username} is now {m.get_role_display()}.")
            return redirect("core:members", org.slug)
    return render(request, "core/member_form.html", {"form": form, "title": "Add a member"})


@org_view("members.manage")
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    org = request.org_access.organisation
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, raw = svc.create_invitation(
                org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                membership_expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            link = request.build_absolute_uri(reverse("accept_invitation", args=[raw]))
            return render(
                request, "core/invitation_created.html", {"invitation": invitation, "link": link}
            )
    return render(request, "core/member_form.html", {"form": form, "title": "Invite someone"})


@org_view("members.manage")
def change_member(request: HttpRequest, membership_id: str) -> HttpResponse:
    org = request.org_access.organisation
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    initial = {
        "role": membership.role,
        "expires_at": membership.expires_at and membership.expires_at.date(),
    }
    form = RoleFields(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.set_membership(
                org,
                membership.user,
                form.cleaned_data["role"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Role of {membership.user.username} updated.")
            return redirect("core:members", org.slug)
    return render(
        request,
        "core/member_form.html",
        {"form": form, "title": f"Role of {membership.user.username}", "membership": membership},
    )


@org_view("members.manage")
@require_POST
def remove_member(request: HttpRequest, membership_id: str) -> HttpResponse:
    org = request.org_access.organisation
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    try:
        svc.remove_membership(membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user.username} no longer has access.")
    return redirect("core:members", org.slug)


@org_view("members.manage")
@require_POST
def revoke_invitation(request: HttpRequest, invitation_id: str) -> HttpResponse:
    org = request.org_access.organisation
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=org)
    svc.revoke_invitation(invitation)
    messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("core:members", org.slug)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = svc.find_open_invitation(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    org = invitation.organisation
    form = AcceptInvitationForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        with org_context(org):
            if request.user.is_authenticated:
                svc.accept_invitation(invitation, request.user)
                messages.success(request, f"You joined {org.name}.")
                return redirect("core:dashboard", org.slug)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        user = svc.create_user(
                            form.cleaned_data["username"],
                            form.cleaned_data["password"],
                            email=invitation.email,
                        )
                        with acting_as(user):
                            svc.accept_invitation(invitation, user)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(request, f"Welcome to {org.name}.")
                    return redirect("core:dashboard", org.slug)
    return render(request, "core/invitation_accept.html", {"invitation": invitation, "form": form})
