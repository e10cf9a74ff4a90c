"""Registers the checklist part of the documents module: its providers, navigation, dashboard."""

from __future__ import annotations

from typing import Any


def dashboard_panel(access: Any) -> dict[str, Any] | None:
    """“Mandatory documented information: x of N in place”, with the items still to do, each
    linking to its record (or the page to create it) when the role may open that page."""
    if not access.can("records.view"):
        return None
    from django.utils.safestring import mark_safe

    from openisms.documents import checklist

    results = checklist.evaluate()
    counts = checklist.summary(results)
    todo = [r for r in results if not r.in_place]
    for r in todo[:5]:
        r.todo_allowed = bool(r.todo_url) and access.can(r.todo_action)
    return {
        "template": "documents/checklist_panel.html",
        "context": {
            "counts": counts,
            # The SVG holds numbers and fixed words only.
            "bar": mark_safe(checklist.summary_bar(counts, width=240, height=10)),  # noqa: S308
            "todo": todo[:5],
            "more": max(len(todo) - 5, 0),
        },
    }


def published_policy() -> Any:
    """Getting started, step 2: the information security policy published (the template's
    policy, or a policy titled so)."""
    from django.db.models import Q

    from openisms.documents.checklist_providers import POLICY_TEMPLATE
    from openisms.documents.models import Document, DocumentKind

    named = Q(template_key=POLICY_TEMPLATE) | Q(title__icontains="information security polic")
    return Document.objects.filter(named, kind=DocumentKind.POLICY, published_version__isnull=False)


def register() -> None:
    from openisms.core import dashboard, navigation
    from openisms.core import getting_started as gs
    from openisms.core.navigation import NavItem
    from openisms.documents import checklist_providers

    checklist_providers.register()
    navigation.register(
        "support", NavItem("Mandatory documents", "core:documents:checklist", "records.view")
    )
    dashboard.register(dashboard_panel)
    gs.register(
        gs.Step(
            20, "policy", "Publish the information security policy",
            "Start from the policy template, have it approved and publish it.",
            "core:documents:create", "documents.create", published_policy, "Start a policy",
        )
    )  # fmt: skip
