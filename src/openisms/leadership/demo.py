"""Demo roles, holders, required competences and commitment records for the demo organisation.

Runs after the people builder (it needs the demo staff). Idempotent: the defaults are seeded
only into an empty module, holders and competences are set only on roles that have none, and
the commitment records only while the record is empty; people missing from the register are
skipped, so re-running never duplicates anything nor undoes a change made while trying it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from openisms.core.demo import DemoStep, When, real_today, schedule
from openisms.core.models import Organisation
from openisms.leadership.services import setup

# Role → usernames of demo members whose staff records hold it, and staff without a login
# (by full name, from the people module's demo) who hold it too.
HOLDERS = {
    setup.TM: ["owner", "approver"],
    setup.IM: ["manager"],
    setup.RO: ["manager", "contributor"],
    setup.CO: ["contributor"],
    setup.IA: ["auditor"],
}
STAFF_HOLDERS = {
    setup.CO: ["Sofia Rossi", "Lukas Meyer", "Aisha Rahman"],
    setup.IA: ["Raj Mehta"],
    setup.SEC: ["Marta Kowalska", "Ben Carter", "Omar Haddad"],
    setup.DPO: ["Grace O'Connor"],
}
# Role → competences it requires (matched by name, case-insensitively; created if missing).
# With the people demo this shows every case: recorded evidence, passed courses, a course
# still awaiting its manager's confirmation, lapsed certificates and plain gaps.
COMPETENCES = {
    setup.IM: ["ISO/IEC 27001 Lead Implementer", "Incident handling"],
    setup.CO: ["Secure coding"],
    setup.IA: ["ISO/IEC 27001 Internal Auditor"],
    setup.SEC: ["Incident handling"],
    setup.DPO: ["Data protection (GDPR)"],
}
DESCRIPTIONS = {
    "ISO/IEC 27001 Lead Implementer": "Can plan, build and run an ISMS to ISO/IEC 27001.",
    "ISO/IEC 27001 Internal Auditor": "Can audit an ISMS objectively against ISO/IEC 27001.",
    "Incident handling": "Detects, triages and responds to information security incidents.",
    "Secure coding": "Writes and reviews code against common weaknesses.",
    "Data protection (GDPR)": "Knows the data protection duties that touch their work.",
}
# (days ago, kind, title, description, decided by, amount, effort days). Each is recorded on
# its date, except the board's decision, which predates the ISMS tool and is recorded at set-up;
# the policy's signature is the day top management approved the policy in the register.
COMMITMENTS = [
    (When.SETUP + 10, "decision", "ISMS project approved",
     "The board approved building an ISMS to ISO/IEC 27001:2022 covering design, "
     "manufacturing and the supporting IT, with certification as the goal within 18 months.",
     "Board of directors", None, None),
    (When.ROLES - 5, "resource", "Budget granted for the ISMS's first year",
     "Covers tooling, external advice, training and the certification audit.",
     "Olivia Owner (managing director)", Decimal("45000"), Decimal("60")),
    (When.POLICIES_APPROVED, "communication", "Information security policy signed and announced",
     "Approved in the document register by Alex Approver for top management and announced to "
     "all staff with a read-and-acknowledge request when it was published.",
     "Alex Approver (chief operating officer)", None, None),
    (120, "resource", "External certification auditor engaged",
     "An accredited certification body was selected for Stage 1 and Stage 2.",
     "Alex Approver (chief operating officer)", Decimal("9800"), None),
    (60, "resource", "Resources for awareness training",
     "Two hours per employee per year for awareness training, and an e-learning licence.",
     "Olivia Owner (managing director)", Decimal("3500"), Decimal("40")),
]  # fmt: skip


# The policy's signature is recorded once the policy is published (its announcement).
RECORDED_LATER = {"Information security policy signed and announced": When.POLICIES_PUBLISHED - 0.5}


def build_demo(org: Organisation) -> list[DemoStep]:
    """The leadership module's steps (holders and competences fill only what is empty)."""
    from openisms.leadership.models import Commitment

    def roles() -> None:
        setup.seed_organisation(org)
        _assign_holders()
        _require_competences()

    steps = [DemoStep(When.ROLES, roles, "ISMS roles")]
    if not Commitment.objects.exists():
        for row in COMMITMENTS:
            # Recorded on its date, or at set-up for what predates the ISMS tool.
            recorded = RECORDED_LATER.get(row[2], min(row[0], When.ROLES))
            steps.append(DemoStep(recorded, _recorder(row), "commitment"))
    return schedule(steps)


def _assign_holders() -> None:
    from openisms.leadership.models import IsmsRole
    from openisms.leadership.services.roles import update_role
    from openisms.people.models import Person

    by_name = {r.name: r for r in IsmsRole.objects.prefetch_related("holders")}
    people = {
        p.user.username: p
        for p in Person.objects.filter(user__isnull=False, is_active=True).select_related("user")
    }
    staff = {
        p.full_name: p
        for p in Person.objects.filter(user__isnull=True, is_active=True).order_by("full_name")
    }
    wanted: dict[str, list[Any]] = {
        name: [people[u] for u in usernames if u in people] for name, usernames in HOLDERS.items()
    }
    for name, full_names in STAFF_HOLDERS.items():
        wanted.setdefault(name, []).extend(staff[n] for n in full_names if n in staff)
    wanted[setup.ALL] = list(people.values()) + list(staff.values())
    for name, holders in wanted.items():
        role = by_name.get(name)
        if role is None or not holders or role.holders.all():
            continue  # renamed or deleted, nobody to assign, or already assigned
        update_role(role, {"holders": holders})


def _require_competences() -> None:
    from openisms.leadership.models import IsmsRole
    from openisms.leadership.services.roles import update_role
    from openisms.people.models import Competence
    from openisms.people.services.staff import create_competence

    existing = {c.name.casefold(): c for c in Competence.objects.all()}
    for role in IsmsRole.objects.filter(name__in=list(COMPETENCES)).prefetch_related(
        "required_competences"
    ):
        if role.required_competences.all():
            continue
        needed = []
        for name in COMPETENCES[role.name]:
            competence = existing.get(name.casefold())
            if competence is None:
                competence = create_competence(
                    {"name": name, "description": DESCRIPTIONS.get(name, "")}
                )
                existing[name.casefold()] = competence
            needed.append(competence)
        update_role(role, {"required_competences": needed})


def _recorder(row: tuple[Any, ...]) -> Any:
    def run() -> None:
        _record_commitment(row)

    return run


def _record_commitment(row: tuple[Any, ...]) -> None:
    from openisms.leadership.services.commitments import create_commitment

    manager = get_user_model().objects.filter(username="manager").first()
    today = real_today()
    days, kind, title, description, decided_by, amount, effort = row
    create_commitment(
        {
            "date": today - dt.timedelta(days=days),
            "kind": kind,
            "title": title,
            "description": description,
            "decided_by": decided_by,
            "amount": amount,
            "effort_days": effort,
        },
        user=manager,
    )
