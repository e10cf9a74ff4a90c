"""What an auditor would reject in the Statement of Applicability, as a list of findings.

One query over the annotated control list (see ``selectors.annotated``), whatever the number
of controls, risks or evidence. The SoA part imports :func:`findings` to refuse or warn when
freezing a version: keep its name and signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from openisms.controls import selectors
from openisms.controls.models import ImplementationStatus
from openisms.core.context import require_org

# rule key → (title, blocking: an auditor rejects the SoA with it)
RULES: dict[str, tuple[str, bool]] = {
    "undecided": ("No applicability decision", True),
    "no_justification": ("Excluded without a justification", True),
    "unlinked": ("Applicable but linked to no risk, requirement or business need", True),
    "no_evidence": ("Implemented without any evidence", True),
    "expired_evidence": ("Evidence past its validity", True),
    "no_owner": ("Applicable without an owner", False),
    "overdue": ("Target date passed, not implemented", False),
}


@dataclass(frozen=True)
class Finding:
    rule: str
    control_ref: str
    message: str
    link: str
    control_id: Any = None
    control_title: str = ""

    @property
    def title(self) -> str:
        return RULES[self.rule][0]

    @property
    def blocking(self) -> bool:
        return RULES[self.rule][1]


def _rules_for(c: Any, today: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if c.applicable is None:
        out.append(("undecided", "Decide whether the control is applicable."))
    elif c.applicable is False and not c.exclusion_justification.strip():
        out.append(("no_justification", "Say why the control is excluded."))
    if c.applicable and not (c.n_risks or c.n_obligations or c.business_need.strip()):
        out.append(
            (
                "unlinked",
                "Link a risk (in the risk register), a legal or contractual requirement, "
                "or write the business need.",
            )
        )
    if c.status == ImplementationStatus.IMPLEMENTED and not c.n_evidence:
        out.append(("no_evidence", "Attach evidence that the control works."))
    if c.n_expired:
        out.append(
            (
                "expired_evidence",
                f"{c.n_expired} piece{'s' if c.n_expired != 1 else ''} of evidence past "
                f"{'their' if c.n_expired != 1 else 'its'} validity: renew or unlink.",
            )
        )
    if c.applicable and c.owner_id is None:
        out.append(("no_owner", "Name an owner for the control."))
    if (
        c.target_date is not None
        and c.target_date < today
        and c.applicable is not False
        and c.status != ImplementationStatus.IMPLEMENTED
    ):
        out.append(("overdue", f"The target date {c.target_date:%d %b %Y} has passed."))
    return out


def findings() -> list[Finding]:
    """Every finding of the current organisation's controls, in control order."""
    slug = require_org().slug
    today = timezone.localdate()
    result: list[Finding] = []
    for c in selectors.control_rows(documents=False):
        link = reverse("core:controls:control_detail", args=[slug, c.pk])
        for rule, message in _rules_for(c, today):
            result.append(Finding(rule, c.ref, message, link, c.pk, c.title))
    return result


def grouped(items: list[Finding]) -> list[dict[str, Any]]:
    """Findings by rule, in the order of :data:`RULES`, with a count per rule (all rules)."""
    groups = {rule: [] for rule in RULES}
    for f in items:
        groups[f.rule].append(f)
    return [
        {"rule": rule, "title": RULES[rule][0], "blocking": RULES[rule][1], "findings": fs,
         "count": len(fs)}
        for rule, fs in groups.items()
    ]  # fmt: skip
