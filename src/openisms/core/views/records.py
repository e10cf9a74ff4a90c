"""Audit trail, approvals and personal API tokens pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from openisms.core.access import org_view
from openisms.core.audit_anchors import build_anchor, dump_anchor
from openisms.core.audit_trail import entries, verify_report
from openisms.core.audit_words import describe_all
from openisms.core.forms import TokenForm
from openisms.core.models import ApiToken, Approval
from openisms.core.models.audit import chain_key
from openisms.core.services.tokens import issue_token, revoke_token
from openisms.core.views.pagination import paginate


@org_view("audit_trail.view")
def audit_trail(request: HttpRequest) -> HttpResponse:
    filters = {
        key: request.GET.get(key, "").strip()[:100]
        for key in ("object_type", "object_id", "user", "action")
    }
    page = paginate(request, entries(**filters).select_related("actor"))
    page.object_list = describe_all(page.object_list)
    template = "core/_audit_rows.html" if request.htmx else "core/audit_trail.html"
    can_anchor = request.org_access.can("audit_trail.anchor")
    return render(request, template, {"page": page, "filters": filters, "can_anchor": can_anchor})


@org_view("audit_trail.verify")
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponse:
    report = verify_report(chain_key(request.org_access.organisation))
    return render(
        request,
        "core/_audit_verify.html",
        {"checked": report.checked, "problems": report.problems, "report": report},
    )


@org_view("audit_trail.anchor")
def audit_anchor(request: HttpRequest) -> HttpResponse:
    """The organisation's chain head as an anchor file, to keep outside the install."""
    org = request.org_access.organisation
    chain = chain_key(org)
    if verify_report(chain).problems:
        # An anchor of a tampered chain would certify the tampering.
        messages.error(request, "Not anchoring: the audit trail fails verification.")
        return redirect("core:audit_trail", org.slug)
    answer = HttpResponse(dump_anchor(build_anchor(chain)), content_type="application/json")
    name = f"audit-anchor-{org.slug}-{timezone.now():%Y-%m-%d}.json"
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer


@org_view("approvals.view")
def approvals(request: HttpRequest) -> HttpResponse:
    page = paginate(request, Approval.objects.select_related("approver", "author"))
    return render(request, "core/approvals.html", {"page": page})


@org_view("api_tokens.manage_own")
def tokens(request: HttpRequest) -> HttpResponse:
    org = request.org_access.organisation
    form = TokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = issue_token(
                request.user,
                org,
                form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            form = TokenForm()
    own = ApiToken.objects.filter(user=request.user, organisation=org)
    return render(
        request, "core/tokens.html", {"tokens": own, "form": form, "new_secret": new_secret}
    )


@org_view("api_tokens.manage_own")
@require_POST
def revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    org = request.org_access.organisation
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, organisation=org)
    revoke_token(token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("core:tokens", org.slug)
