"""The scope as a document: what changed between two versions, and the printable/PDF forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from openisms.context.models import ScopeVersion
from openisms.context.models.scope import BOUNDARY_FIELDS
from openisms.context.services.scope import BOUNDARY_LABELS, FIELD_LABELS, approval_state
from openisms.core.permissions import Role

PRINT_CSS = Path(__file__).resolve().parent / "static" / "context" / "scope_print.css"


def boundaries(scope: ScopeVersion) -> list[dict[str, Any]]:
    return [
        {"key": name, "label": BOUNDARY_LABELS[name], "items": getattr(scope, name)}
        for name in BOUNDARY_FIELDS
    ]


def diff(old: ScopeVersion | None, new: ScopeVersion) -> list[dict[str, Any]]:
    """The fields of ``new`` that differ from ``old``: text before/after, list entries added and
    removed, exclusions added, removed or re-justified."""
    if old is None:
        return []
    changes: list[dict[str, Any]] = []
    for name in ("statement", "justification"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(
                {"field": name, "label": FIELD_LABELS[name], "before": before, "after": after}
            )
    for name in BOUNDARY_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append({
                "field": name, "label": FIELD_LABELS[name],
                "added": [x for x in after if x not in before],
                "removed": [x for x in before if x not in after],
                "reordered": sorted(before) == sorted(after),
            })  # fmt: skip
    if old.exclusions != new.exclusions:
        was = {e["item"]: e["justification"] for e in old.exclusions}
        now = {e["item"]: e["justification"] for e in new.exclusions}
        changes.append({
            "field": "exclusions", "label": FIELD_LABELS["exclusions"],
            "added": [f"{k} — {v}" for k, v in now.items() if k not in was],
            "removed": [k for k in was if k not in now],
            "rejustified": [
                {"item": k, "before": was[k], "after": now[k]}
                for k in now if k in was and was[k] != now[k]
            ],
            "reordered": was == now,
        })  # fmt: skip
    return changes


def document_context(scope: ScopeVersion) -> dict[str, Any]:
    """What the document template needs: the version, its boundaries, its latest decision."""
    state = approval_state(scope)
    approval = state["approval"] if state["state"] == "approved" else None
    role = approval.approver_role if approval else ""
    return {
        "scope": scope,
        "boundaries": boundaries(scope),
        "approval": approval,
        "approver_role": Role(role).label if role in Role.values else role,
        "approval_state": state,
    }


def render_print_html(scope: ScopeVersion, organisation: Any, *, inline_css: bool) -> str:
    context = {
        **document_context(scope),
        "organisation": organisation,
        # The PDF renderer fetches nothing: the stylesheet goes inline. A browser gets the
        # static file instead (the CSP refuses inline styles).
        "inline_css": PRINT_CSS.read_text(encoding="utf-8") if inline_css else "",
    }
    return render_to_string("context/scope_print.html", context)


def scope_pdf(scope: ScopeVersion, organisation: Any) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    html = render_print_html(scope, organisation, inline_css=True)
    # No protocol allowed: nothing outside the HTML string is ever fetched.
    fetcher = URLFetcher(allowed_protocols=())
    document = weasyprint.HTML(string=html, base_url=str(PRINT_CSS.parent), url_fetcher=fetcher)
    return document.write_pdf()
