"""Policy templates in our own words: the information security policy and topic-specific policies.

Each template is a Markdown file in ``data/policies/`` with a small front-matter block::

    ---
    key: access-control
    title: Access control policy
    kind: topic_policy
    summary: One sentence.
    controls: A.5.15, A.5.16
    review_months: 12
    ---
    # Access control policy
    ... {{ organisation }} ... {{ scope }} ...

Interface used by the workflow (``services``) and the demo: ``all_templates()``,
``get_template(key)`` (KeyError if unknown) and ``render(key, organisation_name, scope_text)``
(Markdown with the name and scope filled).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

POLICY_DIR = Path(__file__).resolve().parent / "data" / "policies"
PLACEHOLDER = re.compile(r"\{\{\s*(organisation|scope)\s*\}\}")
CONTROL_REF = re.compile(r"^A\.\d+\.\d+$")
KINDS = ("policy", "topic_policy")
# Shown when the organisation has not written its scope statement yet.
NO_SCOPE = "_The scope of the ISMS as set out in the approved scope statement._"


@dataclass(frozen=True)
class PolicyTemplate:
    key: str
    title: str
    kind: str  # DocumentKind value: "policy" or "topic_policy"
    summary: str
    controls: tuple[str, ...]  # Annex A refs, e.g. ("A.5.1",)
    review_months: int = 12


class TemplateError(ValueError):
    """A template file is malformed: a packaging or editing mistake, reported with the file."""


def parse(text: str, source: str = "<template>") -> tuple[PolicyTemplate, str]:
    """Split a template file into its metadata and its Markdown body."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise TemplateError(f"{source}: must start with a '---' front-matter block.")
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise TemplateError(f"{source}: front-matter block is not closed with '---'.")
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise TemplateError(f"{source}: front-matter line without ':': {line!r}.")
        meta[name.strip()] = value.strip()
    missing = {"key", "title", "kind", "summary", "controls"} - set(meta)
    if missing:
        raise TemplateError(f"{source}: front matter lacks {', '.join(sorted(missing))}.")
    if meta["kind"] not in KINDS:
        raise TemplateError(f"{source}: kind must be one of {', '.join(KINDS)}.")
    controls = tuple(c.strip() for c in meta["controls"].split(",") if c.strip())
    bad = [c for c in controls if not CONTROL_REF.match(c)]
    if bad or not controls:
        raise TemplateError(f"{source}: controls must be Annex A refs such as A.5.1: {bad}.")
    try:
        review_months = int(meta.get("review_months", "12"))
    except ValueError:
        raise TemplateError(f"{source}: review_months must be a whole number.")
    template = PolicyTemplate(
        key=meta["key"],
        title=meta["title"],
        kind=meta["kind"],
        summary=meta["summary"],
        controls=controls,
        review_months=review_months,
    )
    body = "\n".join(lines[end + 1 :]).strip("\n") + "\n"
    return template, body


@functools.cache
def _load() -> dict[str, tuple[PolicyTemplate, str]]:
    found: dict[str, tuple[PolicyTemplate, str]] = {}
    for path in sorted(POLICY_DIR.glob("*.md")):
        template, body = parse(path.read_text(encoding="utf-8"), path.name)
        if template.key in found:
            raise TemplateError(f"{path.name}: duplicate template key {template.key!r}.")
        found[template.key] = (template, body)
    return found


def all_templates() -> list[PolicyTemplate]:
    """The information security policy first, then the topic-specific policies by title."""
    templates = [template for template, _ in _load().values()]
    return sorted(templates, key=lambda t: (t.kind != "policy", t.title.lower()))


def get_template(key: str) -> PolicyTemplate:
    return _load()[key][0]


def template_body(key: str) -> str:
    """The Markdown of a template with its placeholders still in place."""
    return _load()[key][1]


def render(key: str, organisation_name: str, scope_text: str) -> str:
    """The template's Markdown with ``{{ organisation }}`` and ``{{ scope }}`` filled in.

    One pass over the text, so a name that itself contains ``{{ scope }}`` stays as typed.
    The values go in as text; the Markdown renderer sanitises whatever they contain.
    """
    values = {
        "organisation": (organisation_name or "").strip() or "the organisation",
        "scope": (scope_text or "").strip() or NO_SCOPE,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template_body(key))
