"""The roles, ISMS processes and RACI matrix a new organisation starts with (idempotent).

Seeded when an organisation is created (``ORGANISATION_CREATED``) and by the demo builder.
Organisations created before the leadership module existed have none: their roles page offers
"Start from the defaults" to managers, which runs the same function. No data migration: the
seed only ever fills an empty module, so running it again, or after someone started their own
roles or processes, changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from openisms.core.models import Organisation
from openisms.leadership.models import IsmsProcess, IsmsRole, RaciAssignment

TM, IM, RO, CO, IA, SEC, DPO, ALL = (
    "Top management", "ISMS manager", "Risk owner", "Control owner", "Internal auditor",
    "Information security officer / IT security", "Data protection officer", "All staff",
)  # fmt: skip

# (name, responsibilities, authorities) — in our own words, from common practice.
DEFAULT_ROLES: list[tuple[str, str, str]] = [
    (
        TM,
        "Sets the direction of information security and shows that it matters: agrees the "
        "ISMS scope, the information security policy and objectives, makes sure the ISMS has "
        "people, time and money, and chairs the management review. Holds the ISMS to account "
        "for its results.",
        "Approves the scope, the policy, the risk acceptance criteria, the treatment plan and "
        "the ISMS budget; accepts residual risks above the levels delegated to risk owners; "
        "appoints the holders of the other ISMS roles.",
    ),
    (
        IM,
        "Runs the ISMS from day to day: keeps the risk assessment, treatment plan and "
        "Statement of Applicability current, controls ISMS documents, plans awareness and "
        "communication, tracks objectives, nonconformities and corrective actions, and reports "
        "on performance to top management.",
        "Changes ISMS documents and records; asks any department for the information the ISMS "
        "needs; schedules internal audits and reviews; escalates unresolved risks and "
        "resource shortfalls straight to top management.",
    ),
    (
        RO,
        "Answers for a risk: confirms how likely and how harmful it is, chooses how to treat "
        "it, sees that the treatment actions are carried out and reviews the risk when things "
        "change.",
        "Decides the treatment of the risks they own; accepts residual risk within the limits "
        "the risk method delegates; approves treatment actions and spending within their "
        "budget.",
    ),
    (
        CO,
        "Puts assigned controls in place and keeps them working; keeps the evidence that they "
        "operate; reports weaknesses, incidents and exceptions that concern them.",
        "Decides how a control is carried out within the policies; asks for the resources and "
        "changes the control needs; grants or refuses exceptions within their remit.",
    ),
    (
        IA,
        "Plans and carries out internal audits of the ISMS against ISO/IEC 27001 and the "
        "organisation's own rules, reports findings objectively and checks that corrective "
        "actions closed them. Never audits their own work.",
        "Sees any record, system, place and person within the audit scope; reports findings "
        "directly to top management without needing anyone's approval.",
    ),
    (
        SEC,
        "Looks after technical security: access management, hardening, logging and "
        "monitoring, vulnerability and patch management, backups and incident response; "
        "advises projects and changes on security.",
        "Takes immediate containment measures during an incident (for example disabling an "
        "account or isolating a system); holds back insecure changes until they are reviewed; "
        "calls in outside help within the agreed budget.",
    ),
    (
        DPO,
        "Advises on personal data protection, monitors compliance with data protection law "
        "(such as the GDPR) and the organisation's own rules, advises on impact assessments "
        "and is the contact point for data subjects and the supervisory authority.",
        "Reports independently to top management; sees every record of processing and every "
        "breach report; must be consulted before high-risk processing starts.",
    ),
    (
        ALL,
        "Follows the information security policy and the topic-specific policies that apply "
        "to their work, completes assigned training, protects the information they handle and "
        "reports security events, weaknesses and suspicious activity at once.",
        "Reports concerns without fear of blame; declines instructions that would break the "
        "policy and raises them with the ISMS manager.",
    ),
]

# (name, clause refs, description, {role: letter}) — one A per process.
DEFAULT_PROCESSES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "Context and scope", "4",
        "Issues, interested parties and their requirements; the ISMS scope and its boundaries.",
        {TM: "A", IM: "R", RO: "C", SEC: "C", DPO: "C", ALL: "I"},
    ),
    (
        "Leadership and policy", "5",
        "Top management commitment, the information security policy, roles and authorities.",
        {TM: "A", IM: "R", SEC: "C", DPO: "C", ALL: "I"},
    ),
    (
        "Risk assessment", "6.1.2",
        "Identifying, analysing and evaluating information security risks with the risk method.",
        {IM: "A", RO: "R", CO: "C", SEC: "C", DPO: "C", TM: "I"},
    ),
    (
        "Risk treatment and SoA", "6.1.3",
        "Choosing treatments and controls, the Statement of Applicability and the treatment plan.",
        {TM: "A", IM: "R", RO: "R", CO: "C", SEC: "C", IA: "I"},
    ),
    (
        "Objectives", "6.2",
        "Measurable information security objectives and the plans to reach them.",
        {TM: "A", IM: "R", RO: "C", SEC: "C", ALL: "I"},
    ),
    (
        "Competence and awareness", "7.2/7.3",
        "Competence requirements per role, training, awareness campaigns and their results.",
        {IM: "A", SEC: "R", DPO: "C", TM: "I", ALL: "I"},
    ),
    (
        "Communication", "7.4",
        "What is communicated about the ISMS, when, to whom, by whom and how.",
        {IM: "A", SEC: "R", TM: "C", DPO: "C", ALL: "I"},
    ),
    (
        "Document control", "7.5",
        "Creating, reviewing, approving, publishing and retiring documented information.",
        {IM: "A", CO: "R", SEC: "C", ALL: "I"},
    ),
    (
        "Operational planning", "8.1",
        "Planning and controlling the processes that carry out the treatment plan.",
        {IM: "A", CO: "R", SEC: "R", RO: "C", TM: "I"},
    ),
    (
        "Monitoring and measurement", "9.1",
        "What is measured, how, when, by whom, and how the results are evaluated.",
        {IM: "A", CO: "R", SEC: "C", TM: "I"},
    ),
    (
        "Internal audit", "9.2",
        "The audit programme, audits at planned intervals and their reports.",
        {TM: "A", IA: "R", IM: "C", CO: "I", RO: "I"},
    ),
    (
        "Management review", "9.3",
        "Top management's review of the ISMS's suitability, adequacy and effectiveness.",
        {TM: "A", IM: "R", RO: "C", SEC: "C", DPO: "C", IA: "C", ALL: "I"},
    ),
    (
        "Nonconformity and corrective action", "10.2",
        "Reacting to nonconformities, finding causes and correcting them for good.",
        {IM: "A", CO: "R", RO: "R", IA: "C", SEC: "C", TM: "I"},
    ),
    (
        "Continual improvement", "10.1",
        "Improving the suitability, adequacy and effectiveness of the ISMS over time.",
        {TM: "A", IM: "R", SEC: "C", CO: "C", IA: "C", ALL: "I"},
    ),
]  # fmt: skip


@transaction.atomic
def seed_organisation(org: Organisation) -> bool:
    """Default roles, processes and RACI for an organisation whose module is still empty.

    Returns whether anything was created. Runs inside the organisation's context.
    """
    if IsmsRole.objects.exists() or IsmsProcess.objects.exists():
        return False
    roles = IsmsRole.objects.bulk_create(
        [
            IsmsRole(
                organisation=org,
                name=name,
                responsibilities=resp,
                authorities=auth,
                order=order * 10,
            )  # fmt: skip
            for order, (name, resp, auth) in enumerate(DEFAULT_ROLES, start=1)
        ],
        audit_summary=f"default ISMS roles ({len(DEFAULT_ROLES)})",
    )
    processes = IsmsProcess.objects.bulk_create(
        [
            IsmsProcess(
                organisation=org,
                name=name,
                clause=clause,
                description=description,
                order=order * 10,
            )  # fmt: skip
            for order, (name, clause, description, _) in enumerate(DEFAULT_PROCESSES, start=1)
        ],
        audit_summary=f"default ISMS processes ({len(DEFAULT_PROCESSES)})",
    )
    by_name = {r.name: r for r in roles}
    RaciAssignment.objects.bulk_create(
        [
            RaciAssignment(organisation=org, process=process, role=by_name[role], letter=letter)
            for process, (*_, raci) in zip(processes, DEFAULT_PROCESSES, strict=True)
            for role, letter in raci.items()
        ],
        audit_summary="default RACI matrix",
    )
    return True
