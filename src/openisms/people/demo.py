"""Demo staff, competences, courses, a partly completed awareness campaign and a communication
plan for the demo organisation.

Written through the module's services, so the demo shows what the product really records
(status from scores, the audit trail, competences derived from passed courses). Idempotent:
once the organisation has anyone in its staff register, the builder leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

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
     "Intranet news and e-mail with a read-and-acknowledge request", 60, 300),
    ("Management review results", "Top management", "After each management review (yearly)",
     "Max Manager", "Management review minutes and action list", 120, 245),
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


def build_demo(org: Organisation) -> None:
    """Fill the demo organisation's people module (runs inside its organisation context)."""
    from openisms.people.models import Person

    if Person.objects.exists():
        return
    today = timezone.localdate()
    people = _build_staff(today)
    competences = _build_competences(people, today)
    courses = _build_courses(competences)
    _build_awareness_campaign(people, courses["Security awareness basics"], today)
    _build_engineering_training(people, courses, today)
    _build_draft_campaign(courses["Phishing recognition"], today)
    _build_communication(people, today)


def _build_staff(today: dt.date) -> dict[str, Any]:
    from openisms.people.services.staff import create_person, update_person

    usernames = [u for u, *_ in STAFF if u]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    people: dict[str, Any] = {}
    for i, (username, name, title, department, _) in enumerate(STAFF):
        email = f"{username}@demo.example" if username else _email(name)
        people[name] = create_person({
            "full_name": name, "job_title": title, "department": department, "email": email,
            "user": users.get(username or ""),
            "start_date": today - dt.timedelta(days=200 + 97 * i),
        })  # fmt: skip
    for _, name, _, _, manager in STAFF:
        if manager:
            update_person(people[name], {"manager": people[manager]})
    return people


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = "".join(c for c in ascii_name.lower().replace(" ", ".") if c.isalnum() or c == ".")
    return f"{local}@demo.example"


def _build_competences(people: dict[str, Any], today: dt.date) -> dict[str, Any]:
    from openisms.people.services.staff import create_competence, record_competence

    competences = {
        name: create_competence({"name": name, "description": text})
        for name, text in COMPETENCES.items()
    }
    for person, competence, ago, expires_in, evidence in HOLDINGS:
        record_competence(people[person], {
            "competence": competences[competence],
            "acquired_on": today - dt.timedelta(days=ago),
            "expires_on": today + dt.timedelta(days=expires_in) if expires_in else None,
            "evidence": evidence,
        })  # fmt: skip
    return competences


def _build_courses(competences: dict[str, Any]) -> dict[str, Any]:
    from openisms.people.services.training import create_course

    courses = {}
    for spec in COURSES:
        data = {**spec, "competences": [competences[c] for c in spec.get("competences", [])]}
        courses[spec["title"]] = create_course(data)
    return courses


def _build_awareness_campaign(people: dict[str, Any], course: Any, today: dt.date) -> None:
    """The annual awareness campaign: running, past its due date, about 60 % completed."""
    from openisms.people.models import TrainingAssignment
    from openisms.people.services.training import (
        create_campaign,
        launch_campaign,
        record_completion,
    )

    start = today - dt.timedelta(days=45)
    campaign = create_campaign({
        "name": f"Annual security awareness {start.year}", "course": course,
        "audience_all": True, "starts_on": start, "due_on": today - dt.timedelta(days=7),
    })  # fmt: skip
    launch_campaign(campaign)
    # Launching records today's date; the demo campaign was launched on its start date.
    TrainingAssignment.objects.filter(campaign=campaign).update(assigned_on=start)
    rng = random.Random(27001)  # noqa: S311 - not security: the same demo every time
    open_names = {"Val Viewer", "Ivan Horvat", "Kevin Murphy", "Felix Braun", "Noah Fischer",
                  "Lena Novak", "Hannah Schmidt", "Jonas Berg", "Emma Wilson", "Yuki Tanaka",
                  "Nina Petrova"}  # fmt: skip
    failed_names = {"Tom Becker", "Mark Jensen", "Peter Walsh"}
    rows = TrainingAssignment.objects.filter(campaign=campaign).select_related("course", "person")
    for a in rows.order_by("person__full_name"):
        name = a.person.full_name
        if name in open_names:
            continue
        score = rng.randint(55, 75) if name in failed_names else rng.randint(80, 100)
        done = start + dt.timedelta(days=rng.randint(2, 36))
        record_completion(a, completed_on=done, score=score)


def _build_engineering_training(
    people: dict[str, Any], courses: dict[str, Any], today: dt.date
) -> None:
    """Secure development for engineers (two confirmed, one awaiting its manager) and the
    incident tabletop for IT: competences derived from passed courses."""
    from openisms.people.services.training import (
        assign,
        confirm_effectiveness,
        record_completion,
    )

    confirmer = get_user_model().objects.filter(username="manager").first()
    secure = courses["Secure development training"]
    for name, confirmed in (("Sofia Rossi", True), ("Lukas Meyer", True), ("Aisha Rahman", False)):
        a = assign(people[name], secure, due_on=today + dt.timedelta(days=30))
        _assigned_earlier(a, today - dt.timedelta(days=60))
        record_completion(a, completed_on=today - dt.timedelta(days=20))
        if confirmed and confirmer is not None:
            confirm_effectiveness(a, user=confirmer, notes="Shows in code reviews.")
    assign(people["Jonas Berg"], secure, due_on=today + dt.timedelta(days=45))
    tabletop = courses["Incident response tabletop"]
    for name in ("Omar Haddad", "Yuki Tanaka", "Max Manager"):
        a = assign(people[name], tabletop, due_on=today + dt.timedelta(days=10))
        _assigned_earlier(a, today - dt.timedelta(days=30))
        record_completion(a, completed_on=today - dt.timedelta(days=12))


def _assigned_earlier(assignment: Any, day: dt.date) -> None:
    """The demo's history starts before today: assignments made weeks ago."""
    assignment.assigned_on = day
    assignment.save()


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
