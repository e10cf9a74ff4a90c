"""ISMS roles, responsibilities and authorities (5.3), their holders and required competences."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.forms import apply_errors
from openisms.core.views.deleted import confirm_delete
from openisms.leadership import selectors
from openisms.leadership.forms import RoleForm
from openisms.leadership.models import IsmsProcess, IsmsRole
from openisms.leadership.services import roles as svc
from openisms.leadership.services.setup import seed_organisation
from openisms.people.models import Competence, Person

HOLDERS_SHOWN = 4


@org_view("records.view")
def roles(request: HttpRequest) -> HttpResponse:
    role_list = list(selectors.roles())
    ids = [r.pk for r in role_list]
    holders = selectors.holder_names(ids)
    competences = selectors.role_competences(ids)
    rows = [
        {
            "role": r,
            "holders": holders.get(r.pk, [])[:HOLDERS_SHOWN],
            "more": max(r.n_holders - HOLDERS_SHOWN, 0),
            "competences": competences.get(r.pk, []),
        }
        for r in role_list
    ]
    can_change = request.org_access.can("leadership.change")
    return render(
        request,
        "leadership/roles.html",
        {
            "rows": rows,
            "can_change": can_change,
            "module_empty": not rows and not IsmsProcess.objects.exists(),
            "without_holders": sum(1 for r in role_list if not r.n_holders),
        },
    )


@org_view("records.view")
def role_detail(request: HttpRequest, role_id: str) -> HttpResponse:
    role = get_object_or_404(IsmsRole, pk=role_id)
    access = request.org_access
    gaps = selectors.competence_gaps(role.pk)[0]
    return render(
        request,
        "leadership/role_detail.html",
        {
            "role": role,
            "holders": selectors.holder_names([role.pk]).get(role.pk, []),
            "competences": gaps.competences,
            "gaps": gaps,
            "raci": selectors.role_raci(role),
            "can_change": access.can("leadership.change"),
            "can_audit": access.can("audit_trail.view"),
        },
    )


def _save(request: HttpRequest, role: IsmsRole | None) -> HttpResponse:
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        try:
            if role is None:
                saved = svc.create_role(form.service_data())
            else:
                saved = svc.update_role(role, form.service_data())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Role “{saved.name}” saved.")
            return redirect(
                "core:leadership:role_detail", request.org_access.organisation.slug, saved.pk
            )
    # Without JavaScript the people search reloads the page with ?person_q=…
    query = request.GET.get("person_q", "").strip()[:100] if request.method == "GET" else ""
    context: dict[str, Any] = {
        "form": form,
        "role": role,
        **_picker(set(form.holder_ids()), query),
        "has_people": Person.objects.exists(),
        "has_competences": Competence.objects.exists(),
    }
    return render(request, "leadership/role_form.html", context)


def _people(ids: set[str]) -> list[Person]:
    valid = []
    for pk in ids:
        try:
            valid.append(str(uuid.UUID(pk)))
        except ValueError:
            continue
    return list(Person.objects.filter(pk__in=valid).order_by("full_name")) if valid else []


def _picker(selected: set[str], query: str) -> dict[str, Any]:
    """The chosen holders (ticked) and the people a search found (not ticked yet)."""
    results = [p for p in selectors.person_search(query) if str(p.pk) not in selected]
    return {
        "selected_people": _people(selected),
        "results": results if query else [],
        "query": query,
        "searched": bool(query),
    }


@org_view("leadership.change")
def role_create(request: HttpRequest) -> HttpResponse:
    return _save(request, None)


@org_view("leadership.change")
def role_edit(request: HttpRequest, role_id: str) -> HttpResponse:
    return _save(request, get_object_or_404(IsmsRole, pk=role_id))


@org_view("leadership.change")
def people_search(request: HttpRequest) -> HttpResponse:
    """The people picker (htmx): the ticked holders kept, the search's matches added."""
    query = request.GET.get("person_q", "").strip()[:100]
    chosen = set(request.GET.getlist("holders")[:5000])
    return render(request, "leadership/_people_picker.html", _picker(chosen, query))


@org_view("leadership.change")
def role_delete(request: HttpRequest, role_id: str) -> HttpResponse:
    slug = request.org_access.organisation.slug
    role = get_object_or_404(IsmsRole, pk=role_id)
    return confirm_delete(
        request, role, what="ISMS role", delete=svc.delete_role,
        done_url=reverse("core:leadership:roles", args=[slug]),
        back_url=reverse("core:leadership:role_detail", args=[slug, role.pk]),
        consequence="Its column of the RACI matrix is hidden with it.",
    )  # fmt: skip


@org_view("leadership.change")
@require_POST
def seed_defaults(request: HttpRequest) -> HttpResponse:
    org = request.org_access.organisation
    if seed_organisation(org):
        messages.success(
            request,
            "Default roles, ISMS processes and a RACI matrix added. Adapt them to how your "
            "organisation really works, then name the holders of each role.",
        )
    else:
        messages.error(
            request, "Roles or processes exist already; the defaults only fill an empty module."
        )
    return redirect("core:leadership:roles", org.slug)
