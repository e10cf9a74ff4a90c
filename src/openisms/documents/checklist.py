"""The mandatory documented information checklist: the first half of a Stage 1 readiness check.

Each item of ISO/IEC 27001:2022 that the standard requires as documented information is
satisfied by a record the product keeps (an approved scope, the risk method, …) or by documents
a person links to it. Records reach the checklist through *providers*: functions registered per
item key (:func:`register_provider`), so later modules add their own (the Statement of
Applicability of issue 5, audits, management review) without touching this file.

Statuses say what is true of the best source, and nothing more:

- **approved** — someone with authority signed the record in its current form (an approved scope,
  a risk method or SoA approved by top management, a document version approved and not overdue);
- **recorded** — the record exists and the standard asks for no approval (training completions,
  competence records for 7.2, risk assessment results for 8.2);
- **overdue** — the record exists but its review (or renewal, or reassessment) is overdue;
- **draft** — something exists but is not approved (or changed since its approval);
- **missing** — nothing.

Approved and recorded items are *in place*. Every item not in place carries what to do and a link
to the record to fix (the document whose review is overdue, the draft scope version) or, when the
record is missing, the page to create it. :func:`evaluate` runs a fixed number of queries whatever
the number of documents, links or risks: providers share what they load through :class:`Facts`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openisms.core.context import require_org
from openisms.core.dates import human_day
from openisms.documents.models import ChecklistLink, Document, DocumentStatus

MISSING = "missing"
DRAFT = "draft"
OVERDUE = "overdue"
RECORDED = "recorded"
APPROVED = "approved"
STATUSES = (APPROVED, RECORDED, OVERDUE, DRAFT, MISSING)
STATUS_LABELS = {
    APPROVED: "Approved",
    RECORDED: "Recorded",
    OVERDUE: "Review overdue",
    DRAFT: "Draft",
    MISSING: "Missing",
}
IN_PLACE = frozenset({APPROVED, RECORDED})
RANK = {MISSING: 0, DRAFT: 1, OVERDUE: 2, RECORDED: 3, APPROVED: 4}
# The clause groups the page shows, in the standard's order.
CLAUSE_GROUPS = {
    "4": "Context of the organisation",
    "5": "Leadership",
    "6": "Planning",
    "7": "Support",
    "8": "Operation",
    "9": "Performance evaluation",
    "10": "Improvement",
}
# Pages of document control (another part of this app); the first that resolves is used.
DOCUMENT_PAGES = ("core:documents:detail", "core:documents:document_detail")
NEW_DOCUMENT_PAGES = ("core:documents:create", "core:documents:register")
URL_MARKER = uuid.UUID(int=0)
# Opening a record needs only read access; creating a document needs more. The page shows a
# "what to do" link only to a role that may follow it.
VIEW = "records.view"
CREATE_DOCUMENT = "documents.create"


@dataclass(frozen=True)
class Item:
    """One piece of mandatory documented information, described in our own words."""

    key: str
    clause: str
    title: str
    guidance: str
    todo: str
    # Where to create the record while it is missing, and the permission that page needs.
    todo_pages: tuple[str, ...] = NEW_DOCUMENT_PAGES
    todo_action: str = CREATE_DOCUMENT

    @property
    def group(self) -> str:
        return self.clause.split(".")[0].split(" ")[0]


ITEMS: tuple[Item, ...] = (
    Item(
        "scope", "4.3", "Scope of the ISMS",
        "Where the ISMS starts and stops: processes, locations, units, technology, the "
        "interfaces with what lies outside, and any exclusions with their reasons.",
        "Write the scope statement and have top management approve it, or link a document "
        "that holds it.",
        ("core:context:scope",), VIEW,
    ),
    Item(
        "policy", "5.2", "Information security policy",
        "Top management's commitment and direction for information security, approved, "
        "published and made known to staff.",
        "Start the information security policy from its template, have it approved and "
        "publish it.",
    ),
    Item(
        "risk_assessment_process", "6.1.2", "Risk assessment process",
        "How risks are identified, analysed and evaluated: the scales, the matrix and the "
        "criteria for performing assessments, so that repeated assessments give comparable "
        "results.",
        "Review the risk method and have top management approve it.",
        ("core:risk:methodology",), VIEW,
    ),
    Item(
        "risk_treatment_process", "6.1.3", "Risk treatment process",
        "How treatment options are chosen and who may accept which residual risk: the "
        "acceptance criteria of the risk method.",
        "Set the acceptance criteria in the risk method and have top management approve it.",
        ("core:risk:methodology",), VIEW,
    ),
    Item(
        "soa", "6.1.3 d", "Statement of Applicability",
        "Every Annex A control, whether it applies, why it is included or excluded, and "
        "whether it is implemented.",
        "Decide every Annex A control, freeze the Statement of Applicability and have top "
        "management approve it.",
        ("core:controls:soa",), VIEW,
    ),
    Item(
        "objectives", "6.2", "Information security objectives",
        "Measurable objectives with what will be done, by whom, with what resources, by "
        "when, and how results are evaluated.",
        "Record the objectives and the plans to reach them in a document and link it here.",
    ),
    Item(
        "competence", "7.2", "Evidence of competence",
        "Records showing that the people doing ISMS work are competent: training completed, "
        "qualifications, experience.",
        "Record completed training or the competences your staff hold in the people register.",
        ("core:people:training", "core:people:competences", "core:people:staff"), VIEW,
    ),
    Item(
        "documented_information", "7.5.1 b", "Documented information the organisation needs",
        "The procedures, standards and plans the organisation has decided it needs for the "
        "ISMS to work.",
        "Publish the procedures, standards or plans your ISMS relies on.",
    ),
    Item(
        "operational_planning", "8.1", "Operational planning and control",
        "Evidence that processes run as planned: schedules, change records, outsourced "
        "process controls.",
        "Keep the operational plan or its records in a document and link it here.",
    ),
    Item(
        "risk_assessment_results", "8.2", "Results of risk assessments",
        "The risk register as assessed at planned intervals and after significant changes.",
        "Identify the risks in the risk register and assess them (likelihood and impact).",
        ("core:risk:register",), VIEW,
    ),
    Item(
        "risk_treatment_results", "8.3", "Results of risk treatment",
        "The treatment plan, its progress and the sign-off of the residual risks.",
        "Plan the treatment of the assessed risks and have top management approve the plan.",
        ("core:risk:plan",), VIEW,
    ),
    Item(
        "monitoring_results", "9.1", "Monitoring and measurement results",
        "What was measured, when, by whom, and the results and their evaluation.",
        "Record your measurement results in a document and link it here.",
    ),
    Item(
        "internal_audit", "9.2.2", "Internal audit programme and results",
        "The audit programme covering the ISMS over the cycle, and each audit's results.",
        "Record the audit programme and its reports in documents and link them here.",
    ),
    Item(
        "management_review", "9.3.3", "Results of management reviews",
        "The minutes of management reviews: the decisions on improvement and any changes "
        "needed to the ISMS.",
        "Record the management review minutes in a document and link it here.",
    ),
    Item(
        "nonconformities", "10.2", "Nonconformities and corrective actions",
        "Each nonconformity, what was done about it, and the results of the corrective action.",
        "Keep the nonconformity and corrective action log in a document and link it here.",
    ),
)  # fmt: skip
ITEMS_BY_KEY: dict[str, Item] = {i.key: i for i in ITEMS}


@dataclass(frozen=True)
class Evidence:
    """What one source says about an item."""

    status: str
    reference: str
    url: str | None = None
    detail: str = ""
    # What to do about this record when it is not in place; by default derived from the status
    # (open the record at ``url``), see :func:`_todo`.
    todo: str = ""
    todo_url: str | None = None


@dataclass(frozen=True)
class LinkedDocument:
    document_id: Any
    ref: str
    title: str
    evidence: Evidence


@dataclass
class ItemResult:
    key: str
    clause: str
    title: str
    status: str
    reference: str
    url: str | None
    detail: str
    guidance: str = ""
    todo: str = ""
    todo_url: str | None = None
    todo_action: str = VIEW
    links: list[LinkedDocument] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def css(self) -> str:
        return self.status

    @property
    def in_place(self) -> bool:
        return self.status in IN_PLACE


class Facts:
    """Loads shared data once per evaluation, so that providers do not repeat queries."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.org = require_org()
        self.today = today or timezone.localdate()
        self._cache: dict[str, Any] = {}

    def get(self, name: str, loader: Callable[[Facts], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = loader(self)
        return self._cache[name]

    def url(self, names: Iterable[str], *args: Any) -> str | None:
        return page_url(names, self.org.slug, *args)

    def document_url(self, pk: Any) -> str | None:
        # Resolved once and filled in per document: thousands of links, one reverse().
        template = self.get("document_url", lambda f: f.url(DOCUMENT_PAGES, URL_MARKER))
        return template.replace(str(URL_MARKER), str(pk)) if template else None


Provider = Callable[[Facts], Evidence | None]
PROVIDERS: dict[str, list[Provider]] = {}


def register_provider(item_key: str, provider: Provider) -> None:
    """Let ``provider`` say how a record of the organisation satisfies ``item_key``."""
    if item_key not in ITEMS_BY_KEY:
        raise KeyError(f"Unknown checklist item: {item_key}")
    registered = PROVIDERS.setdefault(item_key, [])
    if provider not in registered:
        registered.append(provider)


def page_url(names: Iterable[str], *args: Any) -> str | None:
    """The first of ``names`` that resolves; pages of other modules may not exist yet."""
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


# -- documents as evidence ----------------------------------------------------------------------


def document_evidence(doc: Document, facts: Facts) -> Evidence:
    """A document's own standing: the version in force counts, a newer draft does not."""
    url, today = facts.document_url(doc.pk), facts.today
    if doc.status == DocumentStatus.RETIRED:
        return Evidence(MISSING, doc.ref, url, f"{doc.ref} is retired: it no longer counts.")
    in_force = doc.published_version if doc.published_version_id else None
    if in_force is not None or doc.status == DocumentStatus.APPROVED:
        version = in_force or doc.latest_version
        reference = f"{doc.ref} v{version.number}" if version is not None else doc.ref
        state = "Published" if in_force is not None else "Approved, not yet published"
        if doc.next_review is not None and doc.next_review < today:
            return Evidence(
                OVERDUE, reference, url,
                f"{state}; its review was due on {day_label(doc.next_review)}.",
                f"Review {doc.ref}: record the review if it is still right, or start a new "
                "version.",
            )  # fmt: skip
        due = f"; next review {day_label(doc.next_review)}" if doc.next_review else ""
        return Evidence(APPROVED, reference, url, state + due + ".")
    version = doc.latest_version
    reference = f"{doc.ref} v{version.number}" if version is not None else doc.ref
    if doc.status == DocumentStatus.IN_REVIEW:
        return Evidence(
            DRAFT, reference, url, "In review: not approved yet.",
            f"Have {reference} approved, then publish it.",
        )  # fmt: skip
    return Evidence(
        DRAFT, reference, url, "Draft: not approved yet.",
        f"Finish {reference} and send it for approval.",
    )  # fmt: skip


def day_label(day: dt.date) -> str:
    """The page format ("7 Dec 2026"): checklist details are shown on pages."""
    return human_day(day)


def _links(facts: Facts) -> dict[str, list[Document]]:
    found: dict[str, list[Document]] = {}
    links = ChecklistLink.objects.select_related(
        "document__published_version", "document__latest_version"
    ).order_by("document__ref")
    for link in links:
        found.setdefault(link.item_key, []).append(link.document)
    return found


# -- evaluation ---------------------------------------------------------------------------------


def evaluate(today: dt.date | None = None) -> list[ItemResult]:
    """Every item with its status, the record that satisfies it best, and its linked documents."""
    facts = Facts(today)
    links = facts.get("links", _links)
    results = []
    for item in ITEMS:
        sources = [e for e in (p(facts) for p in PROVIDERS.get(item.key, [])) if e is not None]
        linked = [
            LinkedDocument(d.pk, d.ref, d.title, document_evidence(d, facts))
            for d in links.get(item.key, [])
        ]
        sources += [ld.evidence for ld in linked]
        # max() keeps the first of equals: a kept record wins over a linked document.
        best = max(sources, key=lambda e: RANK[e.status], default=None)
        if best is None or best.status == MISSING:
            # What a source says about why nothing counts (e.g. a retired document) is kept.
            if best is None:
                best = Evidence(MISSING, "", None, "Nothing yet.")
            else:
                best = Evidence(MISSING, "", None, best.detail, best.todo, best.todo_url)
        todo, todo_url, todo_action = _todo(item, best, facts)
        results.append(
            ItemResult(
                key=item.key,
                clause=item.clause,
                title=item.title,
                status=best.status,
                reference=best.reference,
                url=best.url,
                detail=best.detail,
                guidance=item.guidance,
                todo=todo,
                todo_url=todo_url,
                todo_action=todo_action,
                links=linked,
            )  # fmt: skip
        )
    return results


def _todo(item: Item, best: Evidence, facts: Facts) -> tuple[str, str | None, str]:
    """What to do about an item not in place, the page to do it on, and the permission needed:
    open the record to fix when there is one, the page to create it when there is not."""
    if best.status in IN_PLACE:
        return "", None, VIEW
    if best.status == MISSING:
        if best.todo_url:
            return best.todo or item.todo, best.todo_url, VIEW
        return item.todo, facts.url(item.todo_pages), item.todo_action
    url = best.todo_url or best.url
    if best.todo:
        return best.todo, url, VIEW
    if best.status == OVERDUE:
        return f"Review {best.reference} and confirm or update it.", url, VIEW
    return f"Finish {best.reference} and have it approved.", url, VIEW


def summary(results: list[ItemResult]) -> dict[str, Any]:
    counts = {status: 0 for status in STATUSES}
    for r in results:
        counts[r.status] += 1
    total = len(results)
    in_place = counts[APPROVED] + counts[RECORDED]
    return {
        "total": total,
        "in_place": in_place,
        "approved": counts[APPROVED],
        "recorded": counts[RECORDED],
        "overdue": counts[OVERDUE],
        "draft": counts[DRAFT],
        "missing": counts[MISSING],
        "complete": in_place == total,
    }


def grouped(results: list[ItemResult]) -> list[dict[str, Any]]:
    """Results by top-level clause, in the standard's order, for the page."""
    groups: dict[str, list[ItemResult]] = {k: [] for k in CLAUSE_GROUPS}
    for r in results:
        groups.setdefault(ITEMS_BY_KEY[r.key].group, []).append(r)
    return [
        {"clause": k, "title": CLAUSE_GROUPS.get(k, ""), "items": v} for k, v in groups.items() if v
    ]


def summary_bar(counts: dict[str, Any], width: int = 300, height: int = 14) -> str:
    """An SVG bar of the statuses; geometry in attributes only (no style: strict CSP)."""
    total = counts["total"] or 1
    parts = [(status, counts[status]) for status in STATUSES]
    # Presentation attributes, not style: a strict CSP allows them.
    fills = {
        APPROVED: "#2e7d32",
        RECORDED: "#6a9f3a",
        OVERDUE: "#c77700",
        DRAFT: "#5b7fb0",
        MISSING: "#c62828",
    }
    label = (
        f"{counts['in_place']} of {counts['total']} in place: {counts['approved']} approved, "
        f"{counts['recorded']} recorded"
    )
    out = [
        f'<svg class="checklist-bar" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}"><title>{label}</title>'
    ]
    x = 0.0
    for name, n in parts:
        if not n:
            continue
        w = width * n / total
        out.append(
            f'<rect class="seg seg-{name}" x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
            f'fill="{fills[name]}"/>'
        )
        x += w
    out.append("</svg>")
    return "".join(out)


# -- links --------------------------------------------------------------------------------------


def get_item(item_key: str) -> Item | None:
    return ITEMS_BY_KEY.get(item_key)


@transaction.atomic
def link_document(item_key: str, document: Document) -> tuple[ChecklistLink, bool]:
    """Count ``document`` towards ``item_key``; linking it again changes nothing."""
    if item_key not in ITEMS_BY_KEY:
        raise ValidationError({"item_key": f"There is no checklist item “{item_key}”."})
    if document.organisation_id != require_org().pk:
        raise ValidationError({"document": "Choose a document of this organisation."})
    if document.status == DocumentStatus.RETIRED:
        raise ValidationError(
            {"document": f"{document.ref} is retired, so it cannot satisfy a checklist item."}
        )
    return ChecklistLink.objects.get_or_create(
        organisation=require_org(), item_key=item_key, document=document
    )


@transaction.atomic
def unlink_document(item_key: str, document: Document) -> bool:
    """Stop counting ``document`` towards ``item_key``; False if it was not linked."""
    link = ChecklistLink.objects.filter(item_key=item_key, document=document).first()
    if link is None:
        return False
    link.delete()
    return True


def linkable_documents(limit: int) -> list[Document]:
    """Documents a person may link (not retired), by reference; ``limit + 1`` tells "more"."""
    return list(
        Document.objects.exclude(status=DocumentStatus.RETIRED)
        .only("id", "ref", "title", "status", "kind")
        .order_by("ref")[: limit + 1]
    )
