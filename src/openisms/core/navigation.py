"""The navigation, laid out by the standard's clauses. Domain apps register their pages here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str


@dataclass
class Section:
    key: str
    title: str
    clauses: tuple[str, ...]
    blurb: str
    items: list[NavItem] = field(default_factory=list)


SECTIONS: list[Section] = [
    Section("context", "Context", ("4",), "Issues, interested parties and the ISMS scope."),
    Section("leadership", "Leadership", ("5",), "Commitment, policy, roles and authorities."),
    Section(
        "planning",
        "Planning & risk",
        ("6", "8.2", "8.3"),
        "Risk method, assessment and treatment, the SoA, objectives and planned changes.",
    ),
    Section(
        "support", "Support", ("7",), "Resources, competence, awareness, communication, documents."
    ),
    Section("operation", "Operation", ("8.1",), "Operational planning and control."),
    Section(
        "evaluation", "Evaluation", ("9",), "Monitoring, internal audit and management review."
    ),
    Section(
        "improvement", "Improvement", ("10",), "Nonconformities, corrective actions, improvement."
    ),
    Section(
        "certification",
        "Certification",
        (),
        "Certification body, Stage 1 and 2, surveillance and recertification.",
    ),
]
ADMIN_ITEMS: list[NavItem] = [
    NavItem("Members", "core:members", "members.view"),
    NavItem("Approvals", "core:approvals", "approvals.view"),
    NavItem("Audit trail", "core:audit_trail", "audit_trail.view"),
    NavItem("Recently deleted", "core:recently_deleted", "records.delete"),
    NavItem("API tokens", "core:tokens", "api_tokens.manage_own"),
]


def register(section_key: str, item: NavItem) -> None:
    next(s for s in SECTIONS if s.key == section_key).items.append(item)


def section(key: str) -> Section | None:
    return next((s for s in SECTIONS if s.key == key), None)


def navigation_for(access: Any) -> dict[str, Any]:
    slug = access.organisation.slug

    def links(items: list[NavItem]) -> list[dict[str, str]]:
        return [
            {"label": i.label, "url": reverse(i.url_name, args=[slug])}
            for i in items
            if access.can(i.action)
        ]

    return {
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "url": reverse("core:section", args=[slug, s.key]),
                "items": links(s.items),
            }
            for s in SECTIONS
        ],
        "admin": links(ADMIN_ITEMS),
    }
