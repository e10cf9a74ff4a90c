"""Demo staff, competences, courses, a partly completed awareness campaign and a communication
plan for the demo organisation.

Written through the module's services, so the demo shows what the product really records
(status from scores, the audit trail, competences derived from passed courses). Idempotent:
once the organisation has anyone in its staff register, the builder leaves it alone. Each part
is a dated step (:class:`openisms.core.demo.DemoStep`): the register at the start, training
when it happened.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model

from openisms.core.demo import DemoStep, When, real_today, schedule
from openisms.core.models import Organisation

# (username or None, full name, job title, department, manager's full name)
STAFF: list[tuple[str | None, str, str, str, str | None]] = [
    ("owner", "Olivia Owner", "Managing Director", "Management", None),
    ("approver", "Alex Approver", "Chief Operating Officer", "Management", "Olivia Owner"),
    ("manager", "Max Manager", "ISMS Manager", "IT", "Alex Approver"),
    ("contributor", "Chris Contributor", "Production Engineer", "Production", "Priya Patel"),
    ("auditor", "Ada Auditor", "Internal Auditor", "Finance", "Claire Dubois"),
    ("viewer", "Val Viewer", "Sales Assistant", "Sales", "Laura García"),
    (None, "Priya Patel", "Head of Production", "Production", "Alex Approver"),
    (None, "Tom Becker", "Shift Supervisor", "Production", "Priya Patel"),
    (None, "Lena Novak", "Machine Operator", "Production", "Tom Becker"),
    (None, "Samuel Okafor", "Quality Inspector", "Production", "Priya Patel"),
    (None, "Hannah Schmidt", "Maintenance Technician", "Production", "Tom Becker"),
    (None, "Daniel Kim", "Head of Engineering", "Engineering", "Alex Approver"),
    (None, "Sofia Rossi", "Software Engineer", "Engineering", "Daniel Kim"),
    (None, "Lukas Meyer", "Software Engineer", "Engineering", "Daniel Kim"),
    (None, "Aisha Rahman", "Embedded Engineer", "Engineering", "Daniel Kim"),
    (None, "Jonas Berg", "DevOps Engineer", "Engineering", "Daniel Kim"),
    (None, "Marta Kowalska", "IT Manager", "IT", "Alex Approver"),
    (None, "Ben Carter", "System Administrator", "IT", "Marta Kowalska"),
    (None, "Yuki Tanaka", "Service Desk Analyst", "IT", "Marta Kowalska"),
    (None, "Omar Haddad", "Network Engineer", "IT", "Marta Kowalska"),
    (None, "Claire Dubois", "Finance Director", "Finance", "Olivia Owner"),
    (None, "Peter Walsh", "Accountant", "Finance", "Claire Dubois"),
    (None, "Nina Petrova", "Payroll Specialist", "Finance", "Claire Dubois"),
    (None, "Raj Mehta", "Financial Controller", "Finance", "Claire Dubois"),
    (None, "Laura García", "Sales Director", "Sales", "Olivia Owner"),
    (None, "Mark Jensen", "Account Manager", "Sales", "Laura García"),
    (None, "Emma Wilson", "Account Manager", "Sales", "Laura García"),
    (None, "Felix Braun", "Sales Engineer", "Sales", "Laura García"),
    (None, "Grace O'Connor", "HR Manager", "HR", "Olivia Owner"),
    (None, "Isabel Costa", "HR Advisor", "HR", "Grace O'Connor"),
    (None, "Noah Fischer", "Recruiter", "HR", "Grace O'Connor"),
    (None, "Victor Lindqvist", "Logistics Manager", "Logistics", "Alex Approver"),
    (None, "Ana Silva", "Warehouse Lead", "Logistics", "Victor Lindqvist"),
    (None, "Kevin Murphy", "Dispatcher", "Logistics", "Ana Silva"),
    (None, "Zoe Adams", "Purchasing Officer", "Logistics", "Victor Lindqvist"),
    (None, "Ivan Horvat", "Forklift Driver", "Logistics", "Ana Silva"),
]

COMPETENCES = {
    "ISO/IEC 27001 Lead Implementer": "Can plan, implement and run an ISMS to ISO/IEC 27001; "
    "usually shown by an accredited Lead Implementer certificate.",
    "ISO/IEC 27001 Internal Auditor": "Can plan and perform internal ISMS audits (clause 9.2) "
    "to ISO 19011; certificate or supervised audit experience.",
    "Secure coding": "Writes and reviews code against common weaknesses (OWASP Top 10); "
    "granted by the secure development training once a manager confirms it (A.8.28).",
    "Incident handling": "Detects, triages and responds to information security incidents "
    "(A.5.24–A.5.28).",
    "Data protection (GDPR)": "Knows the GDPR duties that touch their work: lawful basis, "
    "data subject rights, breach notification within 72 hours.",
}

# (person, competence, acquired days ago, expires in days or None, evidence)
HOLDINGS = [
    ("Max Manager", "ISO/IEC 27001 Lead Implementer", 700, 395, "Certificate LI-27001-4471"),
    ("Ada Auditor", "ISO/IEC 27001 Internal Auditor", 400, 695, "Certificate IA-9920"),
    ("Raj Mehta", "ISO/IEC 27001 Internal Auditor", 1130, -20, "Certificate IA-3318 (lapsed)"),
    ("Marta Kowalska", "Incident handling", 900, None, "Eight years running the IT operations"),
    ("Ben Carter", "Incident handling", 500, None, "SANS incident handler course"),
    ("Grace O'Connor", "Data protection (GDPR)", 800, 300, "Certified data protection officer"),
    ("Isabel Costa", "Data protection (GDPR)", 200, None, "Internal GDPR course with exam"),
]

COURSES = [
    {"title": "Security awareness basics", "kind": "awareness", "effectiveness": "quiz",
     "pass_score": 80, "validity_months": 12, "duration_minutes": 45,
     "description": "Policies, passwords and passphrases, phishing, clean desk, reporting "
     "incidents. Ends with a 20-question quiz."},
    {"title": "Phishing recognition", "kind": "awareness", "effectiveness": "quiz",
     "pass_score": 80, "validity_months": 12, "duration_minutes": 20,
     "description": "Spotting phishing e-mails, calls and messages; what to do with one."},
    {"title": "Secure development training", "kind": "course", "effectiveness": "manager",
     "pass_score": None, "validity_months": 24, "duration_minutes": 480,
     "competences": ["Secure coding"],
     "description": "Two-day hands-on course: OWASP Top 10, threat modelling, secure code "
     "review. The line manager confirms that it shows in code reviews."},
    {"title": "Incident response tabletop", "kind": "course", "effectiveness": "none",
     "pass_score": None, "validity_months": 12, "duration_minutes": 180,
     "competences": ["Incident handling"],
     "description": "A ransomware scenario played through with IT, management and "
     "communications; lessons learned go into the incident procedure."},
]  # fmt: skip

# (topic, audience, timing, responsible, channel, next due in days or None, done days ago)
COMMUNICATION = [
    ("Information security policy updates", "All staff",
     "On each approved change, and once a year", "Max Manager",
     "Intranet news and e-mail with a read-and-acknowledge request", 60, When.POLICIES_PUBLISHED),
    ("Management review results", "Top management", "After each management review (yearly)",
     "Max Manager", "Management review minutes and action list", 25, None),
    ("Security incidents", "Data protection authority, national CSIRT, affected customers",
     "Personal data breaches within 72 hours; NIS2 early warning within 24 hours",
     "Marta Kowalska", "Authority notification portals; e-mail to customer contacts", None,
     None),
    ("Security awareness newsletter", "All staff", "Quarterly", "Grace O'Connor",
     "E-mail newsletter and posters in the canteen", -5, 95),
    ("Supplier security requirements", "Suppliers and service providers",
     "At contract start and at each renewal", "Zoe Adams",
     "Security annex to the contract; supplier portal", None, 40),
    ("ISMS status report", "Board of directors", "Quarterly", "Olivia Owner",
     "Board meeting presentation", 30, 60),
]  # fmt: skip


# When the training happened (days before today).
AWARENESS_START = 45
ENGINEERING_ASSIGNED, ENGINEERING_DONE = 60, 20
TABLETOP_ASSIGNED, TABLETOP_DONE = 30, 12
DRAFT_CAMPAIGN = 3
COMMUNICATION_PLAN = 30  # written down once every item had been done at least once


def build_demo(org: Organisation) -> list[DemoStep]:
    """The people module's steps for the demo organisation (none once it has staff)."""
    from openisms.people.models import Person

    if Person.objects.filter(user__isnull=True).exists():  # members have theirs from the start
        return []
    today = real_today()
    state: dict[str, Any] = {}

    def register() -> None:
        state["people"] = _build_staff(today)
        state["competences"] = _build_competences(state["people"], today)
        state["courses"] = _build_courses(state["competences"])

    steps = [DemoStep(When.STAFF, register, "staff register"), *_holding_steps(state, today)]
    steps += _awareness_steps(state, today)
    steps += _engineering_steps(state, today)
    steps.append(
        DemoStep(
            COMMUNICATION_PLAN,
            lambda: _build_communication(state["people"], today),
            "communication plan",
        )
    )
    steps.append(
        DemoStep(
            DRAFT_CAMPAIGN,
            lambda: _build_draft_campaign(state["courses"]["Phishing recognition"], today),
            "draft campaign",
        )
    )
    return schedule(steps)


def _build_staff(today: dt.date) -> dict[str, Any]:
    from openisms.people.models import Person
    from openisms.people.services.staff import create_person, update_person

    usernames = [u for u, *_ in STAFF if u]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    people: dict[str, Any] = {}
    existing = {p.user_id: p for p in Person.objects.exclude(user=None)}
    for i, (username, name, title, department, _) in enumerate(STAFF):
        email = f"{username}@demo.example" if username else _email(name)
        user = users.get(username or "")
        data = {
            "full_name": name, "job_title": title, "department": department, "email": email,
            "user": user, "start_date": today - dt.timedelta(days=When.STAFF + 60 + 97 * i),
        }  # fmt: skip
        # A member already has a person (made on joining): complete it rather than add another.
        mine = existing.get(user.pk) if user else None
        people[name] = update_person(mine, data) if mine else create_person(data)
    for _, name, _, _, manager in STAFF:
        if manager:
            update_person(people[name], {"manager": people[manager]})
    return people


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = "".join(c for c in ascii_name.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return f"{local}@demo.example"


def _build_competences(people: dict[str, Any], today: dt.date) -> dict[str, Any]:
    from openisms.people.services.staff import create_competence

    return {
        name: create_competence({"name": name, "description": text})
        for name, text in COMPETENCES.items()
    }


def _holding_steps(state: dict[str, Any], today: dt.date) -> list[DemoStep]:
    """Competences held before the register existed are recorded with it; later ones on the
    day they were acquired."""
    steps = []
    for person, competence, ago, expires_in, evidence in HOLDINGS:

        def run(person=person, competence=competence, ago=ago, expires_in=expires_in,
                evidence=evidence) -> None:  # fmt: skip
            from openisms.people.services.staff import record_competence

            record_competence(state["people"][person], {
                "competence": state["competences"][competence],
                "acquired_on": today - dt.timedelta(days=ago),
                "expires_on": today + dt.timedelta(days=expires_in) if expires_in else None,
                "evidence": evidence,
            })  # fmt: skip

        steps.append(DemoStep(min(ago, When.STAFF - 0.5), run, "competence recorded"))
    return steps


def _build_courses(competences: dict[str, Any]) -> dict[str, Any]:
    from openisms.people.services.training import create_course

    courses = {}
    for spec in COURSES:
        data = {**spec, "competences": [competences[c] for c in spec.get("competences", [])]}
        courses[spec["title"]] = create_course(data)
    return courses


def _awareness_steps(state: dict[str, Any], today: dt.date) -> list[DemoStep]:
    """The annual awareness campaign: running, past its due date, about 60 % completed; each
    completion recorded on the day it happened."""
    start = today - dt.timedelta(days=AWARENESS_START)

    def launch() -> None:
        from openisms.people.services.training import create_campaign, launch_campaign

        campaign = create_campaign({
            "name": f"Annual security awareness {start.year}",
            "course": state["courses"]["Security awareness basics"],
            "audience_all": True, "starts_on": start, "due_on": today - dt.timedelta(days=7),
        })  # fmt: skip
        launch_campaign(campaign)
        state["campaign"] = campaign

    rng = random.Random(27001)  # noqa: S311 - not security: the same demo every time
    open_names = {"Val Viewer", "Ivan Horvat", "Kevin Murphy", "Felix Braun", "Noah Fischer",
                  "Lena Novak", "Hannah Schmidt", "Jonas Berg", "Emma Wilson", "Yuki Tanaka",
                  "Nina Petrova"}  # fmt: skip
    failed_names = {"Tom Becker", "Mark Jensen", "Peter Walsh"}
    steps = [DemoStep(AWARENESS_START, launch, "awareness campaign launched")]
    for _, name, *_ in sorted(STAFF, key=lambda row: row[1]):
        if name in open_names:
            continue
        score = rng.randint(55, 75) if name in failed_names else rng.randint(80, 100)
        days = rng.randint(2, 36)
        steps.append(DemoStep(AWARENESS_START - days + 0.5, _completer(state, name, start +
                              dt.timedelta(days=days), score), "awareness completed"))  # fmt: skip
    return steps


def _completer(state: dict[str, Any], name: str, day: dt.date, score: int) -> Any:
    def run() -> None:
        from openisms.people.models import TrainingAssignment
        from openisms.people.services.training import record_completion

        found = TrainingAssignment.objects.filter(
            campaign=state["campaign"], person__full_name=name
        ).first()
        if found is not None:
            record_completion(found, completed_on=day, score=score)

    return run


def _engineering_steps(state: dict[str, Any], today: dt.date) -> list[DemoStep]:
    """Secure development for engineers (two confirmed, one awaiting its manager) and the
    incident tabletop for IT: competences derived from passed courses."""
    engineers = (("Sofia Rossi", True), ("Lukas Meyer", True), ("Aisha Rahman", False))
    it_staff = ("Omar Haddad", "Yuki Tanaka", "Max Manager")
    assigned: dict[str, Any] = {}

    def assign_engineers() -> None:
        from openisms.people.services.training import assign

        secure = state["courses"]["Secure development training"]
        for name, _ in engineers:
            assigned[name] = assign(
                state["people"][name], secure, due_on=today + dt.timedelta(days=30)
            )

    def engineers_done() -> None:
        from openisms.people.services.training import confirm_effectiveness, record_completion

        confirmer = get_user_model().objects.filter(username="manager").first()
        for name, confirmed in engineers:
            a = assigned[name]
            record_completion(a, completed_on=today - dt.timedelta(days=ENGINEERING_DONE))
            if confirmed and confirmer is not None:
                confirm_effectiveness(a, user=confirmer, notes="Shows in code reviews.")

    def assign_tabletop() -> None:
        from openisms.people.services.training import assign

        tabletop = state["courses"]["Incident response tabletop"]
        for name in it_staff:
            assigned[name] = assign(
                state["people"][name], tabletop, due_on=today + dt.timedelta(days=10)
            )

    def tabletop_done() -> None:
        from openisms.people.services.training import record_completion

        for name in it_staff:
            record_completion(assigned[name], completed_on=today - dt.timedelta(days=TABLETOP_DONE))

    def assign_late_joiner() -> None:
        from openisms.people.services.training import assign

        secure = state["courses"]["Secure development training"]
        assign(state["people"]["Jonas Berg"], secure, due_on=today + dt.timedelta(days=45))

    return [
        DemoStep(ENGINEERING_ASSIGNED, assign_engineers, "secure development assigned"),
        DemoStep(TABLETOP_ASSIGNED, assign_tabletop, "tabletop assigned"),
        DemoStep(ENGINEERING_DONE, engineers_done, "secure development done"),
        DemoStep(TABLETOP_DONE, tabletop_done, "tabletop done"),
        DemoStep(DRAFT_CAMPAIGN + 1, assign_late_joiner, "late joiner assigned"),
    ]


def _build_draft_campaign(course: Any, today: dt.date) -> None:
    from openisms.people.services.training import create_campaign

    create_campaign({
        "name": "Phishing recognition for Finance and Sales", "course": course,
        "audience_departments": ["Finance", "Sales"],
        "starts_on": today + dt.timedelta(days=7), "due_on": today + dt.timedelta(days=37),
    })  # fmt: skip


def _build_communication(people: dict[str, Any], today: dt.date) -> None:
    from openisms.people.services.communication import create_item

    for topic, audience, timing, who, channel, next_in, done_ago in COMMUNICATION:
        create_item({
            "topic": topic, "audience": audience, "timing": timing,
            "responsible": people[who], "channel": channel,
            "next_due": today + dt.timedelta(days=next_in) if next_in is not None else None,
            "last_done": today - dt.timedelta(days=done_ago) if done_ago is not None else None,
        })  # fmt: skip
