"""The demo organisation's controls, evidence and SoA.

Records (:func:`build_records`): once the risk assessment is done the ISMS manager decides every
Annex A control — two exclusions with their reasons, owners, business needs where no risk or
requirement asks for the control — and writes how the company implements it
(:mod:`.demo_data.implementation`). The status follows the records: a control with treatment
actions still open is partial (or planned when nothing of it is in place yet), one whose actions
are all done is implemented once they are; its target date is its last open action's due date.

Evidence and SoA (:func:`build_demo`): evidence is collected on its date — generated PDFs and
PNG charts stored through the evidence service (type check, SHA-256), links and walk-through
notes — one piece expires on purpose and one request is overdue; after the treatment plan's
approval the ISMS manager freezes SoA v1 and top management approves it; work then goes on, so
the live SoA differs from the approved version. Idempotent: each part is skipped once its
records exist.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model

from openisms.controls.demo_data import files
from openisms.controls.demo_data.implementation import EXCLUSIONS, NOT_STARTED, PLANNED, TEXTS
from openisms.core.context import acting_as
from openisms.core.demo import DemoStep, When, real_today, schedule
from openisms.core.permissions import Role

OPEN = ("planned", "in_progress")
BUSINESS_NEED = (
    "Asked for in our OEM customers' security questionnaires and expected of a manufacturer "
    "that ships connected sensors; part of our ISO/IEC 27001 commitment."
)
NOTE = (
    "Walk-through with the control owner on {day}: the control was shown working and the records "
    "of the last three months were sampled (5 of 5 complete, no exceptions)."
)
# (control, kind, title, days ago collected, days valid, content). PDFs carry text lines, PNGs
# chart values (percent), links a web address.
EVIDENCE: list[tuple[str, str, str, int, int, Any]] = [
    ("A.5.35", "pdf", "Pre-assessment audit report (external consultant)", 45, 365, [
        "Scope: ISMS of Demo Manufacturing Ltd, clauses 4-10 and Annex A.",
        "Method: interviews, document review, sampling of records (ISO 19011).",
        "Result: 0 major and 3 minor nonconformities, 6 opportunities.",
        "Minor 1: supplier reviews not yet done for two tier-2 suppliers.",
        "Minor 2: access review of the MES not signed off in Q2.",
        "Minor 3: restore test of the file server not recorded in May.",
        "All three have corrective actions in the treatment plan.",
    ]),
    ("A.7.14", "pdf", "Disposal certificate, batch of retired laptops and disks", 70, 730, [
        "Disposal firm: certified under DIN 66399, security level H-4.",
        "Items: 14 laptops, 6 server disks, 2 NAS disks (serials listed overleaf).",
        "Method: degaussing and shredding on site, witnessed by IT.",
        "Signed by the disposal firm and by the IT manager.",
    ]),
    ("A.6.1", "pdf", "Screening checklist: sample of three new hires", 30, 365, [
        "Sample chosen by the ISMS manager from the HR system.",
        "Hire 1 (engineering): identity, right to work, 2 references, good conduct - complete.",
        "Hire 2 (finance): identity, right to work, 2 references, good conduct - complete.",
        "Hire 3 (production): identity, right to work, 1 reference - complete for the role.",
        "Checked against the HR security policy; no exceptions.",
    ]),
    ("A.5.22", "pdf", "Tier-1 supplier review summary", 50, 365, [
        "Managed IT provider: ISO/IEC 27001 certificate valid, questionnaire 96 %.",
        "PCB assembly: questionnaire 88 %, action: encrypted design transfer (in plan).",
        "Payroll provider: SOC 2 Type II report reviewed, no exceptions relevant to us.",
        "AWS and Microsoft: certificates checked on the providers' compliance pages.",
    ]),
    ("A.7.5", "pdf", "Server room fire suppression inspection", 90, 365, [
        "Gas extinguishing system: pressure and detectors tested, passed.",
        "Water detection under the raised floor: alarm reached the monitoring company.",
        "Next inspection due in twelve months.",
    ]),
    ("A.8.13", "pdf", "Restore test record: ERP database", 25, 120, [
        "System restored: ERP database from the immutable AWS copy.",
        "Restore time: 2 h 40 min (target 8 h). Data checked with the finance director.",
        "Result: passed. Next test: file server.",
    ]),
    ("A.5.30", "pdf", "ERP standby restore rehearsal report", 100, 365, [
        "Scenario: loss of the HQ server room.",
        "ERP brought up on the standby server at the factory in 5 h 10 min (target 8 h).",
        "Lesson: the DNS change took 40 minutes; now scripted.",
    ]),
    ("A.6.2", "pdf", "Employment contract template: security clauses", 120, 730, [
        "Clause 9: confidentiality during and after employment.",
        "Clause 10: duty to follow the information security policies.",
        "Clause 11: return of company property and information on leaving.",
        "Approved by HR and the works council.",
    ]),
    ("A.8.5", "png", "Conditional access: MFA coverage by application", 35, 180,
     [100, 100, 98, 100, 100]),
    ("A.8.1", "png", "Intune device compliance by department", 20, 90, [97, 100, 94, 92, 100]),
    ("A.8.7", "png", "Defender for Endpoint coverage (devices and servers)", 28, 90,
     [100, 99, 100]),
    ("A.6.3", "png", "Awareness campaign completion by department", 8, 90, [85, 70, 60, 55, 90]),
    ("A.5.23", "link", "AWS ISO/IEC 27001 certification (provider's compliance page)", 60, 365,
     "https://aws.amazon.com/compliance/iso-27001-faqs/"),
    ("A.5.19", "link", "Microsoft 365 ISO/IEC 27001 certification (provider's page)", 60, 365,
     "https://learn.microsoft.com/en-us/compliance/regulatory/offering-iso-27001"),
    ("A.8.17", "link", "Time synchronisation settings in the IT operations wiki", 40, 365,
     "https://wiki.demo.example/it-operations/time-synchronisation"),
]  # fmt: skip
# One piece past its validity on purpose: the validation panel and the dashboard show it.
EXPIRED = ("A.7.13", "UPS maintenance report (last year's visit)", 330, 290)
OVERDUE_REQUEST = 20  # asked this many days ago, due 14 days later (so now 6 days overdue)


# --- records -------------------------------------------------------------------------------

# Staff without a login own some controls (people of the register, not app users).
STAFF_OWNERS = {"A.8.20": "Omar Haddad", "A.8.21": "Omar Haddad", "A.8.13": "Ben Carter"}


def build_records(org: Any) -> list[DemoStep]:
    """The decisions and implementation texts (none once any control is decided)."""
    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls

    ensure_controls()
    if Control.objects.exclude(applicable=None).exists():
        return []
    users = _users("manager", "contributor", "owner")
    manager = users.get("manager") or users.get("owner")
    if manager is None:
        return []
    state: dict[str, Any] = {}
    return schedule(
        [
            DemoStep(When.SOA_DRAFTED, lambda: _decide(users, manager, state), "controls decided"),
            DemoStep(When.CONTROLS_REVIEWED, lambda: _review(manager, state), "statuses reviewed"),
        ]
    )


def _users(*names: str) -> dict[str, Any]:
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _actions() -> dict[str, list[tuple[str, str, str]]]:
    """Each Annex A control's treatment actions as the risk demo ends them: (title, status,
    due date), from the risk demo's data (their progress happens in later steps)."""
    from openisms.risk.demo import load_data

    today = real_today()
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for risk in load_data()["risks"]:
        for a in risk.get("actions", []):
            if a.get("control"):
                due = today + dt.timedelta(days=int(a["due_in_days"]))
                out[a["control"]].append((a["title"], a.get("status", "planned"), str(due)))
    return out


def final_status(ref: str, actions: list[tuple[str, str, str]], in_place: bool) -> str:
    """What the records say about a control once the demo's story is told."""
    if ref in EXCLUSIONS:
        return "not_applicable"
    if ref in NOT_STARTED:
        return "not_started"
    if ref in PLANNED:
        return "planned"
    open_actions = [a for a in actions if a[1] in OPEN]
    if not open_actions:
        return "implemented"
    progressed = any(a[1] != "planned" for a in actions)
    return "partial" if progressed or in_place else "planned"


def _text(ref: str, status: str, actions: list[tuple[str, str, str]]) -> str:
    text = TEXTS.get(ref, "")
    open_titles = [a[0] for a in actions if a[1] in OPEN]
    if status in ("partial", "planned") and open_titles:
        text += " Still open in the treatment plan: " + "; ".join(open_titles) + "."
    return text


def _decide(users: dict[str, Any], manager: Any, state: dict[str, Any]) -> None:
    from openisms.controls.selectors import control_rows
    from openisms.controls.services.records import update_control
    from openisms.people.models import Person

    actions = _actions()
    contributor = users.get("contributor") or manager
    staff = {p.full_name: p for p in Person.objects.filter(full_name__in=STAFF_OWNERS.values())}
    later: list[Any] = []
    for c in [c for c in control_rows() if c.requirement_id]:
        data: dict[str, Any]
        if c.ref in EXCLUSIONS:
            data = {"applicable": False, "exclusion_justification": EXCLUSIONS[c.ref]}
        else:
            mine = actions.get(c.ref, [])
            status = final_status(c.ref, mine, bool(c.n_documents or c.n_obligations))
            if status == "implemented" and mine:
                status = "partial"  # its last actions are done later; reviewed then
                later.append(c.pk)
            data = {
                "applicable": True,
                "status": status,
                "owner": staff.get(STAFF_OWNERS.get(c.ref, ""))
                or (contributor if c.requirement.theme == "Technological" else manager),
                "implementation": _text(c.ref, status, mine),
            }
            if not (c.n_risks or c.n_obligations):
                data["business_need"] = BUSINESS_NEED
            open_due = [a[2] for a in mine if a[1] in OPEN]
            if status != "implemented":
                last = max(open_due) if open_due else None
                data["target_date"] = (
                    dt.date.fromisoformat(last) if last else real_today() + dt.timedelta(days=90)
                )
        with acting_as(manager):
            update_control(c, data, user=manager, role=Role.ISMS_MANAGER)
    state["later"] = later


def _review(manager: Any, state: dict[str, Any]) -> None:
    """Before the plan goes to top management: controls whose actions are all done now are
    implemented."""
    from openisms.controls.models import Control
    from openisms.controls.services.records import update_control

    for c in Control.objects.filter(pk__in=state.get("later", [])):
        with acting_as(manager):
            update_control(
                c,
                {"status": "implemented", "target_date": None, "implementation": TEXTS[c.ref]},
                user=manager, role=Role.ISMS_MANAGER,
            )  # fmt: skip


# --- evidence and SoA ----------------------------------------------------------------------


def build_demo(org: Any) -> list[DemoStep]:
    """Evidence, one overdue request and SoA v1 (none once evidence or an SoA version exists)."""
    from openisms.controls.models import Evidence, SoaVersion

    if Evidence.objects.exists() or SoaVersion.objects.exists():
        return []
    users = _users("manager", "approver", "contributor")
    manager, approver = users.get("manager"), users.get("approver")
    if manager is None or approver is None:
        return []
    specific = {spec[0] for spec in EVIDENCE} | {EXPIRED[0]}
    steps = [
        DemoStep(spec[3], _evidence_step(spec, manager), "evidence collected") for spec in EVIDENCE
    ]
    steps.append(DemoStep(EXPIRED[2], _expired_step(manager), "evidence collected"))
    # A walk-through note for every other control implemented by the time of the SoA.
    steps.append(
        DemoStep(When.CONTROLS_REVIEWED - 0.5, _notes_step(manager, specific), "walk-throughs")
    )
    steps += [
        DemoStep(OVERDUE_REQUEST, lambda: _request(manager), "evidence requested"),
        DemoStep(When.SOA_FROZEN, lambda: _freeze(manager), "SoA frozen"),
        DemoStep(When.SOA_APPROVED, lambda: _approve(approver), "SoA approved"),
        DemoStep(When.AFTER_SOA, lambda: _work_goes_on(manager), "work after approval"),
    ]
    return schedule(steps)


def _control(ref: str) -> Any:
    from openisms.controls.models import Control

    return Control.objects.filter(ref=ref).first()


def _upload(kind: str, title: str, content: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "pdf":
        data, name, mime = files.pdf(title, content), "pdf", "application/pdf"
    else:
        data, name, mime = files.png_chart(content), "png", "image/png"
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")[:60]
    return SimpleUploadedFile(f"{slug}.{name}", data, content_type=mime)


def _evidence_step(spec: tuple[str, str, str, int, int, Any], manager: Any) -> Any:
    ref, kind, title, ago, valid, content = spec

    def run() -> None:
        from openisms.controls.services.evidence import create_evidence

        control = _control(ref)
        if control is None:
            return
        owner = control.owner or manager
        # The owner uploads it when they have a login; otherwise the ISMS manager does.
        uploader = control.owner.user if control.owner and control.owner.user else manager
        collected = real_today() - dt.timedelta(days=ago)
        data: dict[str, Any] = {
            "title": title, "owner": owner, "collected_on": collected,
            "valid_until": collected + dt.timedelta(days=valid), "controls": [control],
        }  # fmt: skip
        upload = None
        if kind == "link":
            data.update(kind="link", url=content)
        else:
            data["kind"] = "file"
            upload = _upload(kind, title, content)
        with acting_as(uploader):
            create_evidence(data, upload, user=uploader)

    return run


def _expired_step(manager: Any) -> Any:
    ref, title, ago, valid = EXPIRED

    def run() -> None:
        from openisms.controls.services.evidence import create_evidence

        control = _control(ref)
        if control is None:
            return
        collected = real_today() - dt.timedelta(days=ago)
        lines = ["UPS and battery check by the maintenance contractor.", "Result: passed.",
                 "Batteries to be replaced within twelve months."]  # fmt: skip
        with acting_as(manager):
            create_evidence(
                {"kind": "file", "title": title, "owner": control.owner or manager,
                 "collected_on": collected, "valid_until": collected + dt.timedelta(days=valid),
                 "controls": [control]},
                _upload("pdf", title, lines), user=manager,
            )  # fmt: skip

    return run


def _notes_step(manager: Any, specific: set[str]) -> Any:
    def run() -> None:
        from openisms.controls.models import Control
        from openisms.controls.services.evidence import create_evidence

        today = real_today()
        implemented = Control.objects.filter(status="implemented").exclude(ref__in=specific)
        for i, control in enumerate(implemented.select_related("owner").order_by("order")):
            collected = today - dt.timedelta(days=When.CONTROLS_REVIEWED + 1 + i % 20)
            owner = control.owner or manager
            with acting_as(manager):
                create_evidence(
                    {"kind": "note", "title": f"{control.ref}: walk-through with the owner",
                     "owner": owner, "collected_on": collected,
                     "valid_until": collected + dt.timedelta(days=365),
                     "note": NOTE.format(day=collected.isoformat()), "controls": [control]},
                    user=manager,
                )  # fmt: skip

    return run


def _request(manager: Any) -> None:
    """Asked two weeks before its due date, still not answered: overdue now."""
    from openisms.controls.models import Control
    from openisms.controls.services.requests import create_request

    partial = Control.objects.filter(status="partial").exclude(owner=None).order_by("order")
    control = partial.exclude(owner__user=manager).first() or partial.first()
    if control is None:
        return
    with acting_as(manager):
        create_request(
            {"control": control, "requested_from": control.owner,
             "description": "Export of the last access review and its sign-off.",
             "due_on": real_today() - dt.timedelta(days=OVERDUE_REQUEST - 14)},
            user=manager,
        )  # fmt: skip


def _freeze(manager: Any) -> None:
    from openisms.controls.services import soa

    with acting_as(manager):
        soa.freeze(user=manager, note="SoA v1 for the Stage 1 audit")


def _approve(approver: Any) -> None:
    from openisms.controls.services import soa

    version = soa.latest()
    if version is None:
        return
    with acting_as(approver):
        soa.approve(
            version, approver=approver, role=Role.APPROVER,
            comment="Approved for the Stage 1 audit: decisions follow the approved risk "
            "treatment plan and the requirements register.",
        )  # fmt: skip


def _work_goes_on(manager: Any) -> None:
    """After approval work went on: the live SoA now differs from the approved version."""
    from openisms.controls.models import Control
    from openisms.controls.services.records import update_control

    changed = Control.objects.filter(status="planned").order_by("order").first()
    if changed is None:
        return
    done, sep, still_open = changed.implementation.partition(" Still open in the treatment plan:")
    text = (
        done + " Started after SoA v1 was approved: the first projects use it." + sep + still_open
    )
    with acting_as(manager):
        update_control(
            changed, {"status": "partial", "implementation": text},
            user=manager, role=Role.ISMS_MANAGER,
        )  # fmt: skip
