"""What an auditor would reject in the risk register and the treatment plan, as findings.

A finding has a severity: ``blocks`` stops the treatment plan's approval by top management
(``services.actions.sign_plan`` refuses it), ``warns`` is shown on the risk validation panel and
to whoever signs the plan, and does not stop anything. :func:`findings` reads a fixed number of
queries (at most four) whatever the size of the register.

The SoA validation (``controls.validation``) reuses :func:`governance_findings` (is the risk
method in force approved, is the treatment plan approved in its current form) and
:func:`for_role` (hide links the viewer may not follow).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from openisms.core.context import require_org
from openisms.core.dates import human_day
from openisms.risk.models import ActionStatus, Methodology, Risk, RiskStatus, TreatmentAction
from openisms.risk.scoring import Method, MethodError, parse

BLOCKS = "blocks"
WARNS = "warns"

# rule → (title, severity). "blocks": top management may not approve the treatment plan.
RULES: dict[str, tuple[str, str]] = {
    "no_owner": ("Risk without an owner", BLOCKS),
    "accepted_outside_criteria": ("Accepted outside the acceptance criteria", WARNS),
    "accepted_unexplained": ("Accepted with a lower residual score but no treatment", WARNS),
    "imported_acceptance": ("Imported acceptance to re-confirm", WARNS),
}
# SoA-level findings about the risk side (used by controls.validation, not on this panel).
GOVERNANCE_RULES: dict[str, tuple[str, str]] = {
    "method_unapproved": ("Risk method not approved", WARNS),
    "plan_unapproved": ("Treatment plan not approved", WARNS),
}
# Set by the import of accepted risks (issue 9 item 7): acceptances that came from a file.
IMPORTED_FLAG = "acceptance_imported"
MAX_NAMED = 10


@dataclass(frozen=True)
class Finding:
    """One thing to fix: ``record`` names what it concerns, ``url`` opens it (empty when the
    viewer may not follow it, see :func:`for_role`)."""

    code: str
    message: str
    record: str
    url: str
    record_id: Any = None
    action: str = "records.view"  # the permission that opening ``url`` needs

    @property
    def title(self) -> str:
        return {**RULES, **GOVERNANCE_RULES}[self.code][0]

    @property
    def severity(self) -> str:
        return {**RULES, **GOVERNANCE_RULES}[self.code][1]

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKS

    @property
    def rule(self) -> str:
        return self.code


def for_role(items: list[Any], access: Any) -> list[Any]:
    """``items`` with the link removed where ``access`` may not follow it (no link to a 403)."""
    allowed: dict[str, bool] = {}
    out = []
    for item in items:
        if item.action not in allowed:
            allowed[item.action] = bool(access.can(item.action))
        out.append(item if allowed[item.action] else dataclasses.replace(item, url=""))
    return out


def _has_field(name: str) -> bool:
    return any(f.name == name for f in Risk._meta.get_fields())


def _methods() -> dict[Any, Method]:
    parsed: dict[Any, Method] = {}
    for pk, data in Methodology.objects.values_list("pk", "data"):
        try:
            parsed[pk] = parse(data)
        except MethodError:  # a stored method is validated on save; never fail the panel on it
            continue
    return parsed


def _treated() -> set[Any]:
    """Accepted risks with a treatment applied: an Annex A control or an action that is not
    cancelled (own controls are text on the risk, read with it). Two queries, no ``IN`` list."""
    accepted = Q(risk__status=RiskStatus.ACCEPTED, risk__deleted_at__isnull=True)
    links = Risk.controls.through.objects.filter(accepted).order_by()
    found = set(links.values_list("risk_id", flat=True).distinct())
    actions = TreatmentAction.objects.filter(accepted).exclude(status=ActionStatus.CANCELLED)
    found |= set(actions.order_by().values_list("risk_id", flat=True).distinct())
    return found


def _detail_url(slug: str) -> Any:
    """``pk → URL`` of a risk's page, reversing once for the whole list."""
    marker = "00000000-0000-0000-0000-000000000000"
    template = reverse("core:risk:risk_detail", args=[slug, marker])
    return lambda pk: template.replace(marker, str(pk))


def _no_owner() -> Q:
    return Q(owner=None) & ~Q(status=RiskStatus.CLOSED)


def findings() -> list[Finding]:
    """Every finding of the current organisation's risk register, by rule, then reference."""
    slug = require_org().slug
    imported = _has_field(IMPORTED_FLAG)
    wanted = _no_owner() | Q(status=RiskStatus.ACCEPTED)
    fields = [
        "pk", "ref", "title", "owner_id", "status", "methodology_id", "residual_level",
        "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact",
        "other_controls", "accepted_at",
    ]  # fmt: skip
    if imported:
        # Hook for imported acceptances: listed until someone authorised accepts them here.
        wanted |= Q(**{IMPORTED_FLAG: True})
        fields += [IMPORTED_FLAG, "imported_accepted_by", "imported_accepted_role"]
    rows = list(Risk.objects.filter(wanted).order_by("ref").values(*fields))
    accepted = [r for r in rows if r["status"] == RiskStatus.ACCEPTED]
    methods = _methods() if accepted else {}
    reduced = {
        r["pk"]
        for r in accepted
        if r["residual_likelihood"] is not None
        and (r["residual_likelihood"], r["residual_impact"])
        != (r["inherent_likelihood"], r["inherent_impact"])
        and not (r["other_controls"] or "").strip()
    }
    treated = _treated() if reduced else set()
    detail_url = _detail_url(slug)
    out: dict[str, list[Finding]] = {rule: [] for rule in RULES}
    for r in rows:
        record = f"{r['ref']} {r['title']}"
        url = detail_url(r["pk"])

        def add(code: str, message: str, *, _r: dict = r, _rec: str = record, _url: str = url):
            out[code].append(Finding(code, message, _rec, _url, _r["pk"]))

        if r["owner_id"] is None and r["status"] != RiskStatus.CLOSED:
            add(
                "no_owner",
                "Name the person accountable for this risk (ISO/IEC 27001 6.1.2 c 2): top "
                "management cannot approve the treatment plan while a risk has no owner.",
            )
        if r["status"] == RiskStatus.ACCEPTED:
            method = methods.get(r["methodology_id"])
            level = method.level(r["residual_level"]) if method else None
            if level is not None and not method.within_criteria(level):
                threshold = method.level(method.acceptance_threshold)
                add(
                    "accepted_outside_criteria",
                    f"Accepted at residual level “{level.name}”, above the method's acceptance "
                    f"criteria (up to “{threshold.name if threshold else '?'}”): treat it "
                    "further or record why top management retains it.",
                )
            if r["pk"] in reduced and r["pk"] not in treated:
                add(
                    "accepted_unexplained",
                    f"Residual score {r['residual_likelihood']}×{r['residual_impact']} is lower "
                    f"than the inherent {r['inherent_likelihood']}×{r['inherent_impact']}, but "
                    "no control or action is applied: link the treatment, or score the residual "
                    "risk as the inherent one.",
                )
        if imported and r.get(IMPORTED_FLAG):
            who = r.get("imported_accepted_by") or "someone"
            role = f" ({r['imported_accepted_role']})" if r.get("imported_accepted_role") else ""
            when = f" on {human_day(r['accepted_at'])}" if r["accepted_at"] else ""
            add(
                "imported_acceptance",
                f"Accepted in an imported file by {who}{role}{when}: have it accepted here by "
                "a role the method authorises for its level.",
            )
    return [f for items in out.values() for f in items]


def blocking() -> list[Finding]:
    """Only what stops the plan's approval (one query): risks without an owner."""
    detail_url = _detail_url(require_org().slug)
    rows = Risk.objects.filter(_no_owner()).order_by("ref").values_list("pk", "ref", "title")
    return [
        Finding(
            "no_owner",
            "Name the person accountable for this risk (ISO/IEC 27001 6.1.2 c 2).",
            f"{ref} {title}",
            detail_url(pk),
            pk,
        )
        for pk, ref, title in rows
    ]


def refusal(items: list[Finding]) -> str:
    """The sentence that explains why the plan may not be approved."""
    refs = [f.record.split(" ", 1)[0] for f in items]
    more = f" and {len(refs) - MAX_NAMED} more" if len(refs) > MAX_NAMED else ""
    return (
        f"The treatment plan cannot be approved while {len(refs)} risk"
        f"{'s have' if len(refs) != 1 else ' has'} no owner: {', '.join(refs[:MAX_NAMED])}{more}. "
        "Name an owner for each risk (ISO/IEC 27001 6.1.2 c 2), then approve."
    )


def _rule(rule: str, rules: dict[str, tuple[str, str]]) -> tuple[str, str]:
    return rules.get(rule) or GOVERNANCE_RULES.get(rule) or (rule, WARNS)


def grouped(items: list[Any], rules: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """Findings by rule in the order of ``rules`` (default :data:`RULES`), every rule listed."""
    rules = rules or RULES
    groups: dict[str, list[Any]] = {rule: [] for rule in rules}
    for f in items:
        groups.setdefault(f.code, []).append(f)
    out = []
    for rule, fs in groups.items():
        title, severity = _rule(rule, rules)
        out.append(
            {"rule": rule, "title": title, "severity": severity, "blocking": severity == BLOCKS,
             "findings": fs, "count": len(fs)}
        )  # fmt: skip
    return out


# -- the method and the plan, as the SoA's freezing and approval see them --------------------


def method_approved() -> tuple[Methodology | None, bool]:
    """The method in force and whether top management approved exactly this content."""
    from openisms.core.services.approvals import approval_status
    from openisms.risk.models import MethodologyStatus
    from openisms.risk.services.methodology import APPROVAL_KIND

    current = Methodology.objects.filter(status=MethodologyStatus.CURRENT).first()
    if current is None:
        return None, False
    return current, approval_status(current, APPROVAL_KIND)["state"] == "approved"


def plan_approved() -> bool:
    """Whether top management approved the treatment plan's current content.

    One query while the plan was never approved; the content hash (three more) only when an
    approval exists to compare it with.
    """
    from openisms.core.models import Approval, Decision
    from openisms.risk.services.actions import PLAN_APPROVAL, plan_hash

    hashes = set(
        Approval.objects.filter(
            subject_type="risk.treatmentplan", kind=PLAN_APPROVAL, decision=Decision.APPROVED
        ).values_list("content_hash", flat=True)
    )
    return bool(hashes) and plan_hash() in hashes


def governance_findings() -> list[Finding]:
    """Warnings for the SoA: the risk method in force or the treatment plan is unapproved."""
    slug = require_org().slug
    out: list[Finding] = []
    current, approved = method_approved()
    if not approved:
        label = f"Risk method v{current.version}" if current else "Risk method"
        out.append(
            Finding(
                "method_unapproved",
                f"{label} is not approved by top management in its current form (6.1.2): "
                "the SoA rests on risks assessed with it.",
                label,
                reverse("core:risk:methodology", args=[slug]),
                current.pk if current else None,
            )
        )
    if not plan_approved():
        out.append(
            Finding(
                "plan_unapproved",
                "The risk treatment plan is not approved by top management in its current form "
                "(6.1.3 e–f): the SoA's controls come from it.",
                "Risk treatment plan",
                reverse("core:risk:plan", args=[slug]),
            )
        )
    return out
