"""What an auditor would reject in the Statement of Applicability, as a list of findings.

Each finding has a severity: ``blocks`` refuses freezing the SoA (``services.soa.freeze``),
``warns`` is shown on the validation panel, when freezing and to the approver, and stops
nothing. The rules read the annotated control list (one query, ``selectors.control_rows``),
then one grouped query per other register the cross-checks need (``validation_links``) and the
risk method's and treatment plan's approval (``risk.validation.governance_findings``): a fixed
number of queries whatever the number of controls, risks, documents or evidence.

:func:`findings` is what the SoA part, the dashboard and tests read: keep its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from openisms.controls import selectors
from openisms.controls import validation_links as links
from openisms.controls.models import ImplementationStatus
from openisms.core.context import require_org
from openisms.core.dates import human_day
from openisms.risk import validation as risk_validation

BLOCKS = risk_validation.BLOCKS
WARNS = risk_validation.WARNS

# rule key → (title, severity); "blocks" refuses freezing the SoA. Panel order.
RULES: dict[str, tuple[str, str]] = {
    "undecided": ("No applicability decision", BLOCKS),
    "no_justification": ("Excluded without a justification", BLOCKS),
    "excluded_treating": ("Excluded, but a risk still lists it as treatment", BLOCKS),
    "unlinked": ("Applicable but linked to no risk, requirement or business need", WARNS),
    "no_evidence": ("Implemented without any evidence", WARNS),
    "expired_evidence": ("Evidence past its validity", WARNS),
    "implemented_open_actions": ("Implemented, with treatment actions still open", WARNS),
    "not_started_in_place": (
        "Not started, although documents, requirements or training show it",
        WARNS,
    ),
    "guidance_copy": ("Implementation text is the catalogue's guidance", WARNS),
    "no_owner": ("Applicable without an owner", WARNS),
    "overdue": ("Target date passed, not implemented", WARNS),
    **risk_validation.GOVERNANCE_RULES,
}


@dataclass(frozen=True)
class Finding:
    rule: str
    control_ref: str  # empty for findings about the SoA as a whole (risk method, plan)
    message: str
    url: str
    control_id: Any = None
    control_title: str = ""
    action: str = "records.view"  # the permission that opening ``url`` needs
    record_label: str = ""  # what a finding without a control concerns

    @property
    def title(self) -> str:
        return RULES[self.rule][0]

    @property
    def severity(self) -> str:
        return RULES[self.rule][1]

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKS

    @property
    def code(self) -> str:
        return self.rule

    @property
    def link(self) -> str:
        return self.url

    @property
    def record(self) -> str:
        return self.record_label or f"{self.control_ref} {self.control_title}".strip()


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
        out.append(("overdue", f"The target date {human_day(c.target_date)} has passed."))
    return out


class _Facts:
    """The other registers' links, read once for the controls that need them."""

    def __init__(self, controls: list[Any]) -> None:
        excluded = {c.requirement_id for c in controls if c.applicable is False}
        excluded.discard(None)
        implemented = {
            c.requirement_id for c in controls if c.status == ImplementationStatus.IMPLEMENTED
        }
        implemented.discard(None)
        # Undecided controls already block; only applicable ones are compared with records.
        self.not_started = [
            c for c in controls if c.status == ImplementationStatus.NOT_STARTED and c.applicable
        ]
        ids = [c.pk for c in self.not_started]
        self.risks = links.risks_treating(excluded)
        self.actions = links.actions_on(excluded | implemented)
        self.documents = links.published_documents(ids)
        self.requirements = links.active_requirements(ids)
        awareness = any(
            c.requirement_id and c.ref == links.AWARENESS_CONTROL for c in self.not_started
        )
        self.training = links.training_completions() if awareness else (0, "")


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _verb(n: int, singular: str) -> str:
    return singular if n == 1 else singular.removesuffix("s")


def _cross_rules(c: Any, facts: _Facts) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    req = c.requirement_id
    if c.applicable is False and req is not None:
        treats = []
        if req in facts.risks:
            treats.append(facts.risks[req].named("risk"))
        if req in facts.actions.live:
            a = facts.actions.live[req]
            more = " and others" if a.count > 1 else ""
            treats.append(f"{a.count} treatment action{_s(a.count)} (on {a.first}{more})")
        if treats:
            out.append(
                (
                    "excluded_treating",
                    f"Marked not applicable, but {' and '.join(treats)} still list it as "
                    "treatment: include the control, or change the risks' treatment first.",
                )
            )
    if c.status == ImplementationStatus.IMPLEMENTED and req in facts.actions.open:
        found = facts.actions.open[req]
        out.append(
            (
                "implemented_open_actions",
                f"Marked implemented, but {found.count} treatment action{_s(found.count)} for "
                f"it {'is' if found.count == 1 else 'are'} still open (on {found.first}"
                f"{' and others' if found.count > 1 else ''}): finish "
                f"{'it' if found.count == 1 else 'them'}, or mark the control partially "
                "implemented.",
            )
        )
    if c.status == ImplementationStatus.NOT_STARTED and c.applicable:
        shown = []
        if c.pk in facts.documents:
            d = facts.documents[c.pk]
            shown.append(f"published {d.named('document')} {_verb(d.count, 'describes')} it")
        if c.pk in facts.requirements:
            r = facts.requirements[c.pk]
            shown.append(f"{r.named('requirement')} {_verb(r.count, 'requires')} it")
        if c.ref == links.AWARENESS_CONTROL and req is not None and facts.training[0]:
            n, course = facts.training
            shown.append(
                f"{n} completed training record{_s(n)} (“{course}”) "
                f"{_verb(n, 'shows')} it in operation"
            )
        if shown:
            out.append(
                (
                    "not_started_in_place",
                    f"Marked not started, but {'; '.join(shown)}: update its status and "
                    "implementation.",
                )
            )
    if c.requirement_id and links.copies_guidance(c.implementation, c.requirement.guidance):
        out.append(
            (
                "guidance_copy",
                "The implementation text repeats the catalogue's guidance: describe how this "
                "organisation implements the control (who, which tools, which records).",
            )
        )
    return out


def control_findings() -> list[Finding]:
    """The findings about individual controls, in control order."""
    slug = require_org().slug
    today = timezone.localdate()
    controls = list(selectors.control_rows(documents=False))
    facts = _Facts(controls)
    result: list[Finding] = []
    for c in controls:
        url = reverse("core:controls:control_detail", args=[slug, c.pk])
        for rule, message in _rules_for(c, today) + _cross_rules(c, facts):
            result.append(Finding(rule, c.ref, message, url, c.pk, c.title))
    return result


def governance_findings() -> list[Finding]:
    """The SoA as a whole: the risk method in force and the treatment plan unapproved."""
    return [
        Finding(f.code, "", f.message, f.url, action=f.action, record_label=f.record)
        for f in risk_validation.governance_findings()
    ]


def findings() -> list[Finding]:
    """Every finding of the current organisation's SoA: controls in order, then the SoA's."""
    return control_findings() + governance_findings()


def blocking(items: list[Finding] | None = None) -> list[Finding]:
    return [f for f in (findings() if items is None else items) if f.blocking]


def for_role(items: list[Finding], access: Any) -> list[Finding]:
    """``items`` without the links ``access`` may not follow."""
    return risk_validation.for_role(items, access)


def grouped(items: list[Finding]) -> list[dict[str, Any]]:
    """Findings by rule, in the order of :data:`RULES`, with a count per rule (all rules)."""
    return risk_validation.grouped(items, RULES)


__all__ = ["BLOCKS", "RULES", "WARNS", "Finding", "blocking", "findings", "grouped"]
