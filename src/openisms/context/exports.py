"""Exports of the context module: issues (4.1), interested parties (4.2 a–b) and the
requirements register (4.2 c), as XLSX with a header block or as CSV.

Each ``build_*`` reads the current organisation in a fixed number of queries whatever its size.
Labels are the human ones (category "Legal and regulatory", not ``legal``; owners by full name).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from openisms.context.models import ContextIssue, InterestedParty, Obligation
from openisms.core.register_exports import Register, RegisterKind, Sheet, add, joined, name_of
from openisms.risk.models import Risk

STANDARD = "ISO/IEC 27001:2022"
ACTIVE = {True: "Active", False: "Inactive"}


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


# --- issues (4.1) -------------------------------------------------------------------------------

ISSUE_HEADERS = [
    "Ref", "Title", "Internal / external", "Category", "Description", "Effect on the ISMS",
    "Linked risks", "Status",
]  # fmt: skip
ISSUE_WIDTHS = [10, 40, 12, 22, 50, 50, 24, 10]


def build_issues() -> Register:
    issues = list(
        ContextIssue.objects.prefetch_related(
            Prefetch("risks", queryset=Risk.unscoped.live().only("id", "ref").order_by("ref"))
        ).order_by("ref")
    )
    rows = [
        [
            i.ref,
            i.title,
            i.get_kind_display(),
            i.get_category_display(),
            i.description,
            i.effect,
            joined([r.ref for r in i.risks.all()]),
            ACTIVE[i.is_active],
        ]  # fmt: skip
        for i in issues
    ]
    active = sum(1 for i in issues if i.is_active)
    return Register(
        what=f"Internal and external issues ({STANDARD} clause 4.1)",
        sheets=[Sheet("Issues", ISSUE_HEADERS, rows, ISSUE_WIDTHS)],
        details=[("Issues", f"{len(issues)} ({active} active)")],
        summary=_plural(len(issues), "issue"),
    )


# --- interested parties (4.2 a-b) ---------------------------------------------------------------

PARTY_HEADERS = [
    "Name", "Kind", "Internal / external", "Description", "Needs and expectations",
    "Requirements",
]  # fmt: skip
PARTY_WIDTHS = [32, 24, 12, 45, 50, 30]


def build_parties() -> Register:
    parties = list(InterestedParty.objects.order_by("name", "id"))
    links: dict[Any, list[str]] = defaultdict(list)
    through = Obligation.parties.through
    for party_id, ref in (
        through.objects.filter(interestedparty__in=InterestedParty.objects.all())
        .order_by("obligation__ref")
        .values_list("interestedparty_id", "obligation__ref")
    ):
        links[party_id].append(ref)
    rows = [
        [
            p.name,
            p.get_kind_display(),
            "Internal" if p.is_internal else "External",
            p.description,
            p.expectations,
            joined(links.get(p.pk, [])),
        ]  # fmt: skip
        for p in parties
    ]
    return Register(
        what=f"Interested parties and their needs and expectations ({STANDARD} clause 4.2 a–b)",
        sheets=[Sheet("Interested parties", PARTY_HEADERS, rows, PARTY_WIDTHS)],
        details=[("Interested parties", len(parties))],
        summary=_plural(len(parties), "interested party", "interested parties"),
    )


# --- requirements register (4.2 c) --------------------------------------------------------------

REQUIREMENT_HEADERS = [
    "Ref", "Title", "Source", "Reference", "Description", "Owner", "Interested parties",
    "Controls", "How it is addressed", "Status",
]  # fmt: skip
REQUIREMENT_WIDTHS = [10, 40, 16, 22, 45, 22, 30, 24, 50, 10]


def _control_refs(obligation: Obligation) -> str:
    """Refs of the controls that address the requirement, in SoA order (prefetched)."""
    return joined(
        [c.ref for c in sorted(obligation.controls.all(), key=lambda c: (c.order, c.ref))]
    )


def build_requirements() -> Register:
    obligations = list(
        Obligation.objects.select_related("owner")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=InterestedParty.unscoped.live().only("id", "name").order_by("name"),
            ),
            # One link per relation (issue 9): the controls are reached from the requirement.
            "controls",
        )
        .order_by("ref")
    )
    rows = [
        [
            o.ref,
            o.title,
            o.get_source_display(),
            o.reference,
            o.description,
            name_of(o.owner),
            joined([p.name for p in o.parties.all()], "; "),
            _control_refs(o),
            o.how_addressed,
            ACTIVE[o.is_active],
        ]  # fmt: skip
        for o in obligations
    ]
    active = sum(1 for o in obligations if o.is_active)
    return Register(
        what=(
            "Requirements register: legal, regulatory, contractual and other requirements of "
            f"interested parties ({STANDARD} clause 4.2 c)"
        ),
        sheets=[Sheet("Requirements", REQUIREMENT_HEADERS, rows, REQUIREMENT_WIDTHS)],
        details=[("Requirements", f"{len(obligations)} ({active} active)")],
        summary=_plural(len(obligations), "requirement"),
    )


def register() -> None:
    add(RegisterKind("issues", build_issues, "internal and external issues (4.1)"))
    add(RegisterKind("interested-parties", build_parties, "interested parties (4.2)"))
    add(RegisterKind("requirements", build_requirements, "the requirements register (4.2 c)"))
