"""Policy templates in our own words (STUB: being written by a helper; interface is fixed).

Interface used by the workflow (``services``) and the demo:
``all_templates()``, ``get_template(key)`` (KeyError if unknown) and
``render(key, organisation_name, scope_text) -> str`` (Markdown with the name and scope filled).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyTemplate:
    key: str
    title: str
    kind: str  # DocumentKind value: "policy" or "topic_policy"
    summary: str
    controls: tuple[str, ...]  # Annex A refs, e.g. ("A.5.1",)
    review_months: int = 12


_TEMPLATES = [
    PolicyTemplate(
        "information-security-policy",
        "Information security policy",
        "policy",
        "Top-level policy: commitment, objectives framework, roles.",
        ("A.5.1",),
    ),
]


def all_templates() -> list[PolicyTemplate]:
    return list(_TEMPLATES)


def get_template(key: str) -> PolicyTemplate:
    for template in _TEMPLATES:
        if template.key == key:
            return template
    raise KeyError(key)


def render(key: str, organisation_name: str, scope_text: str) -> str:
    template = get_template(key)
    return f"# {template.title}\n\n{organisation_name} …\n\n## Scope\n\n{scope_text}\n"
