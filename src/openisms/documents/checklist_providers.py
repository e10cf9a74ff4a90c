"""The records of issue 4 and the risk module that satisfy checklist items.

Each provider returns the :class:`~openisms.documents.checklist.Evidence` of the best record it
finds, or ``None``. Each runs a fixed number of queries (most share theirs through ``Facts``).
Records that need no approval (training, competences, assessed risks) are "recorded", never
"approved": nobody signed them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from openisms.context.models import ScopeStatus, ScopeVersion
from openisms.core.models import Approval, Decision
from openisms.core.services.approvals import content_hash
from openisms.documents.checklist import (
    APPROVED,
    DRAFT,
    MISSING,
    OVERDUE,
    RECORDED,
    Evidence,
    Facts,
    day_label,
    document_evidence,
    register_provider,
)
from openisms.documents.models import Document, DocumentKind, DocumentStatus
from openisms.people.models import AssignmentStatus, PersonCompetence, TrainingAssignment
from openisms.risk.models import Methodology, MethodologyStatus, Risk

POLICY_TEMPLATE = "information-security-policy"
NEEDED_KINDS = (DocumentKind.PROCEDURE, DocumentKind.STANDARD, DocumentKind.PLAN)
METHOD_APPROVAL = "risk_methodology"  # risk.services.methodology.APPROVAL_KIND
PLAN_APPROVAL = "treatment_plan"  # risk.services.actions.PLAN_APPROVAL
SCOPE_PAGES = ("core:context:scope",)
PEOPLE_PAGES = ("core:people:training", "core:people:competences", "core:people:staff")
METHOD_PAGES = ("core:risk:methodology",)


def _months(n: int) -> dt.timedelta:
    return dt.timedelta(days=round(30.4 * n))


# -- 4.3 scope ----------------------------------------------------------------------------------


def scope(facts: Facts) -> Evidence | None:
    # The approved version sorts first ("approved" < "draft"); the second row is a newer draft.
    rows = list(
        ScopeVersion.objects.filter(status__in=[ScopeStatus.APPROVED, ScopeStatus.DRAFT])
        .only("id", "number", "status", "approved_at")
        .order_by("status", "-number")[:2]
    )
    if not rows:
        return None
    best = rows[0]
    url = facts.url(("core:context:scope_version",), best.pk) or facts.url(SCOPE_PAGES)
    if best.status == ScopeStatus.APPROVED:
        when = (
            f" on {day_label(timezone.localtime(best.approved_at).date())}"
            if best.approved_at
            else ""
        )
        pending = [r for r in rows[1:] if r.status == ScopeStatus.DRAFT and r.number > best.number]
        more = f"; v{pending[0].number} is being drafted" if pending else ""
        return Evidence(APPROVED, f"Scope v{best.number}", url, f"Approved{when}{more}.")
    return Evidence(
        DRAFT, f"Scope v{best.number}", url, "Draft: awaiting approval by top management.",
        f"Complete scope v{best.number} and have top management approve it.",
    )  # fmt: skip


# -- 5.2 policy and 7.5.1 b documents -------------------------------------------------------


def _best_document(qs: QuerySet[Document], today: dt.date, *prefer: Any) -> Document | None:
    """The document that satisfies an item best: in force and current, then in force, then
    anything else; ties broken by ``prefer`` and the reference."""
    in_force = Q(published_version__isnull=False) | Q(status=DocumentStatus.APPROVED)
    current = Q(next_review__isnull=True) | Q(next_review__gte=today)
    rank = Case(
        When(in_force & current, then=Value(0)),
        When(in_force, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        qs.exclude(status=DocumentStatus.RETIRED)
        .select_related("published_version", "latest_version")
        .annotate(checklist_rank=rank)
        .order_by("checklist_rank", *prefer, "ref")
        .first()
    )


def policy(facts: Facts) -> Evidence | None:
    is_isp = Case(When(template_key=POLICY_TEMPLATE, then=Value(0)), default=Value(1))
    doc = _best_document(
        Document.objects.filter(kind=DocumentKind.POLICY).annotate(is_isp=is_isp),
        facts.today,
        "is_isp",
    )
    return document_evidence(doc, facts) if doc else None


def documented_information(facts: Facts) -> Evidence | None:
    needed = Document.objects.filter(kind__in=NEEDED_KINDS)
    doc = _best_document(needed, facts.today)
    if doc is None:
        return None
    found = document_evidence(doc, facts)
    in_force = (
        needed.filter(Q(published_version__isnull=False) | Q(status=DocumentStatus.APPROVED))
        .exclude(status=DocumentStatus.RETIRED)
        .count()
    )
    if in_force > 1:
        others = in_force - 1
        more = f" {others} other procedure{'s' if others > 1 else ''}, standards or plans in force."
        found = replace(found, detail=found.detail + more)
    return found


# -- 6.1.2 / 6.1.3 risk method --------------------------------------------------------------


def _methods(facts: Facts) -> dict[str, Any]:
    methods = list(
        Methodology.objects.filter(
            status__in=[MethodologyStatus.CURRENT, MethodologyStatus.DRAFT]
        ).order_by("-version")
    )
    current = next((m for m in methods if m.status == MethodologyStatus.CURRENT), None)
    pending = next((m for m in methods if m.status == MethodologyStatus.DRAFT), None)
    approval = None
    if current is not None:
        approval = (
            Approval.objects.filter(
                subject_type="risk.methodology", subject_id=str(current.pk), kind=METHOD_APPROVAL
            )
            .select_related("approver")
            .order_by("-decided_at")
            .first()
        )
    approved = (
        approval is not None
        and approval.decision == Decision.APPROVED
        and approval.content_hash == content_hash(current)
    )
    return {"current": current, "pending": pending, "approval": approval, "approved": approved}


def _method_evidence(facts: Facts, what: str) -> Evidence | None:
    found = facts.get("methods", _methods)
    current = found["current"]
    if current is None:
        return None
    ref, url = f"Risk method v{current.version}", facts.url(METHOD_PAGES)
    pending = found["pending"]
    more = f" v{pending.version} is proposed, awaiting approval." if pending else ""
    if found["approved"]:
        a = found["approval"]
        when = day_label(timezone.localtime(a.decided_at).date())
        return Evidence(APPROVED, ref, url, f"{what} approved by {a.approver} on {when}.{more}")
    why = (
        "changed since its approval"
        if found["approval"] is not None and found["approval"].decision == Decision.APPROVED
        else "not approved by top management yet"
    )
    return Evidence(
        DRAFT, ref, url, f"{what} in force but {why}.{more}",
        f"Review risk method v{current.version} and have top management approve it.",
    )  # fmt: skip


def risk_assessment_process(facts: Facts) -> Evidence | None:
    return _method_evidence(facts, "Scales and risk matrix")


def risk_treatment_process(facts: Facts) -> Evidence | None:
    found = _method_evidence(facts, "Acceptance criteria")
    if found is None:
        return None
    method = facts.get("methods", _methods)["current"].method
    threshold = method.level(method.acceptance_threshold)
    if threshold is not None:
        detail = f"{found.detail} Risks up to “{threshold.name}” are within the criteria."
        found = replace(found, detail=detail)
    return found


# -- 7.2 competence -----------------------------------------------------------------------------


def competence(facts: Facts) -> Evidence | None:
    completed = Q(status=AssignmentStatus.COMPLETED)
    training = TrainingAssignment.objects.aggregate(
        total=Count("id"), completed=Count("id", filter=completed)
    )
    valid = Q(expires_on__isnull=True) | Q(expires_on__gte=facts.today)
    held = PersonCompetence.objects.aggregate(total=Count("id"), valid=Count("id", filter=valid))
    url = facts.url(PEOPLE_PAGES)
    parts = []
    if training["completed"]:
        n = training["completed"]
        parts.append(f"{n} training completion{'s' if n > 1 else ''}")
    if held["valid"]:
        n = held["valid"]
        parts.append(f"{n} competence record{'s' if n > 1 else ''}")
    if parts:
        return Evidence(RECORDED, ", ".join(parts), url, "Recorded in the people register.")
    if held["total"]:
        return Evidence(
            OVERDUE, f"{held['total']} competence records", url,
            "Every recorded competence has expired.",
            "Record renewed competences or completed training in the people register.",
        )  # fmt: skip
    if training["total"]:
        # Assigned training proves no competence yet: the item is missing, with a way forward.
        n = training["total"]
        return Evidence(
            MISSING, f"{n} training assignment{'s' if n > 1 else ''}", url,
            f"{n} training assignment{'s are' if n > 1 else ' is'} open; nobody has completed "
            "training yet.",
            "Record completed training (or competences held) in the people register.",
            facts.url(("core:people:training",)),
        )  # fmt: skip
    return None


# -- 8.2 / 8.3 risk assessment and treatment results ----------------------------------------


def _risks(facts: Facts) -> dict[str, Any]:
    method = facts.get("methods", _methods)["current"]
    months = method.method.review_months if method is not None else 12
    cutoff = timezone.now() - _months(months)
    assessed = Q(inherent_likelihood__isnull=False, inherent_impact__isnull=False)
    found = Risk.objects.aggregate(
        total=Count("id"),
        assessed=Count("id", filter=assessed),
        recent=Count("id", filter=assessed & Q(updated_at__gte=cutoff)),
        overdue=Count("id", filter=assessed & Q(next_review__lt=facts.today)),
        treated=Count("id", filter=~Q(treatment="")),
        last=Max("updated_at", filter=assessed),
    )
    return {**found, "months": months}


def risk_assessment_results(facts: Facts) -> Evidence | None:
    r = facts.get("risks", _risks)
    url = facts.url(("core:risk:register",))
    if r["assessed"]:
        ref = f"{r['assessed']} of {r['total']} risks assessed"
        last = day_label(timezone.localtime(r["last"]).date())
        reviews = f" {r['overdue']} risk review{'s are' if r['overdue'] > 1 else ' is'} overdue."
        more = reviews if r["overdue"] else ""
        if r["recent"]:
            return Evidence(RECORDED, ref, url, f"Last assessed on {last}.{more}")
        return Evidence(
            OVERDUE, ref, url,
            f"No risk reassessed in the last {r['months']} months (last on {last}).{more}",
            "Reassess the risks in the risk register.",
        )  # fmt: skip
    if r["total"]:
        return Evidence(
            DRAFT, f"{r['total']} risks identified", url,
            "Risks are identified but none is assessed yet.",
            "Assess the identified risks (likelihood and impact).",
        )  # fmt: skip
    return None


def risk_treatment_results(facts: Facts) -> Evidence | None:
    from openisms.risk.services.actions import plan_status

    r = facts.get("risks", _risks)
    if not r["treated"]:
        return None
    status = plan_status()
    url = facts.url(("core:risk:plan",))
    ref = "Risk treatment plan"
    if status["approved_by"]:
        who = ", ".join(status["approved_by"])
        pending = status["owners_pending"]
        more = f" Risk owners still to confirm: {', '.join(pending)}." if pending else ""
        return Evidence(APPROVED, ref, url, f"Approved in its current form by {who}.{more}")
    earlier = Approval.objects.filter(
        subject_type="risk.treatmentplan", kind=PLAN_APPROVAL, decision=Decision.APPROVED
    ).exists()
    why = "changed since its approval" if earlier else "not approved by top management yet"
    return Evidence(
        DRAFT, ref, url, f"{r['treated']} treated risks; the plan is {why}.",
        "Have top management approve the risk treatment plan.",
    )  # fmt: skip


BUILT_IN = {
    "scope": scope,
    "policy": policy,
    "risk_assessment_process": risk_assessment_process,
    "risk_treatment_process": risk_treatment_process,
    "competence": competence,
    "documented_information": documented_information,
    "risk_assessment_results": risk_assessment_results,
    "risk_treatment_results": risk_treatment_results,
}


def register() -> None:
    for key, provider in BUILT_IN.items():
        register_provider(key, provider)
