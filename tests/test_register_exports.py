"""Exports of issues, interested parties, the requirements register, the RACI matrix and the
competence and training records: content with human labels, header block, formula
neutralising, CLI, web download and API (token and session) with permissions, flat queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from openisms.api import api
from openisms.context.services import issues, parties
from openisms.core.context import acting_as, org_context
from openisms.core.exports import XLSX_TYPE
from openisms.core.exports_csv import CSV_TYPE
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import IsmsProcess, IsmsRole
from openisms.leadership.services import roles as roles_svc
from openisms.people.models import (
    AssignmentStatus,
    Campaign,
    Competence,
    Course,
    Effectiveness,
    Person,
    PersonCompetence,
    TrainingAssignment,
)
from openisms.risk.services.risks import create_risk
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Today as the test runs, not as the module was imported (a suite may cross midnight)."""
    global TODAY
    TODAY = timezone.localdate()


EVIL = '=HYPERLINK("http://evil.test","x")'
GENERATED = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")
# kind → (page URL of the download without ".fmt", API path, list page with the buttons)
KINDS = {
    "issues": ("context/issues/export", "context/export/issues", "context/issues/"),
    "interested-parties": (
        "context/parties/export", "context/export/interested-parties", "context/parties/",
    ),
    "requirements": (
        "context/requirements/export", "context/export/requirements", "context/requirements/",
    ),
    "raci": ("leadership/raci/export", "leadership/export/raci", "leadership/raci/"),
    "competence": (
        "people/competences/export", "people/export/competence", "people/training/",
    ),
}  # fmt: skip


def page_url(kind: str, fmt: str, slug: str = "alpha") -> str:
    return f"/o/{slug}/{KINDS[kind][0]}.{fmt}"


def api_url(kind: str, fmt: str = "xlsx") -> str:
    return f"/api/v1/{KINDS[kind][1]}?format={fmt}"


def sheet_values(content: bytes, index: int = 0) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[index]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def block_and_table(values: list[list]) -> tuple[dict, list, list[list]]:
    """The header block as a dict, the column headers and the data rows of a sheet."""
    blank = next(i for i, row in enumerate(values) if all(v is None for v in row))
    block = {row[0]: row[1] for row in values[:blank]}
    return block, values[blank + 1], values[blank + 2 :]


def as_dicts(headers: list, rows: list[list]) -> list[dict]:
    return [dict(zip(headers, row, strict=False)) for row in rows]


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def manager(members_a):
    user = members_a[Role.ISMS_MANAGER]
    user.first_name, user.last_name = "Max", "Manager"
    user.save()
    return user


@pytest.fixture
def records(org_a, members_a, manager):
    """One of each: an issue with a risk, a party, two requirements, people with competences
    and training — with a formula where a spreadsheet would run it."""
    with org_context(org_a), acting_as(manager):
        risk = create_risk({"title": "Ransomware on the ERP"})
        issues.create_issue({
            "title": "Ransomware wave", "kind": "external", "category": "technological",
            "effect": "Production could stop", "risks": [risk],
        })  # fmt: skip
        issues.create_issue({
            "title": EVIL, "kind": "internal", "category": "legal", "is_active": False,
        })  # fmt: skip
        authority = parties.create_party({
            "name": "Data protection authority", "kind": "regulator",
            "expectations": "Breach notification within 72 hours",
        })  # fmt: skip
        parties.create_party({"name": "Staff", "kind": "employee", "is_internal": True,
                              "expectations": "-1 overtime"})  # fmt: skip
        parties.create_obligation({
            "title": "Notify breaches in 72 hours", "source": "law", "reference": "GDPR Art. 33",
            "parties": [authority], "controls": ["A.5.26", "A.5.24"],
            "how_addressed": "Incident procedure", "owner": manager,
        })  # fmt: skip
        parties.create_obligation({
            "title": "Customer security annex", "source": "contract", "reference": "@annex",
            "owner": members_a[Role.OWNER],
        })  # fmt: skip
        people_records(org_a)
    return {"risk": risk}


def people_records(org, n: int = 1) -> None:
    """``n`` sets of: a person with a recorded competence (one expired) and training."""
    quiz = Course.objects.filter(title="Secure coding").first() or Course.objects.create(
        title="Secure coding", effectiveness=Effectiveness.QUIZ, pass_score=70,
        validity_months=12,
    )  # fmt: skip
    confirmed = Course.objects.filter(title="Incident drills").first() or Course.objects.create(
        title="Incident drills", effectiveness=Effectiveness.MANAGER
    )
    campaign = Campaign.objects.filter(name="Autumn 2026").first() or Campaign.objects.create(
        name="Autumn 2026", course=quiz, due_on=TODAY + dt.timedelta(days=30)
    )
    coding, auditor, drills = (
        Competence.objects.get_or_create(name=name)[0]
        for name in ("Secure development", "ISO 27001 internal auditor", "Incident handling")
    )
    quiz.competences.add(coding)
    confirmed.competences.add(drills)
    start = Person.objects.count()
    for i in range(n):
        ada = Person.objects.create(full_name=f"Ada Lovelace {start + i}", department="IT")
        bob = Person.objects.create(full_name=f"@Bob {start + i}", department="Sales")
        PersonCompetence.objects.create(
            person=ada, competence=auditor, acquired_on=dt.date(2024, 3, 1),
            expires_on=dt.date(2027, 3, 1), evidence="Certificate 123",
        )  # fmt: skip
        PersonCompetence.objects.create(
            person=bob, competence=auditor, acquired_on=dt.date(2020, 1, 1),
            expires_on=dt.date(2023, 1, 1),
        )  # fmt: skip
        TrainingAssignment.objects.create(
            person=ada, course=quiz, campaign=campaign, assigned_on=TODAY - dt.timedelta(days=20),
            due_on=TODAY + dt.timedelta(days=30), status=AssignmentStatus.COMPLETED,
            completed_on=TODAY - dt.timedelta(days=2), score=92,
        )  # fmt: skip
        TrainingAssignment.objects.create(
            person=bob, course=quiz, campaign=campaign, assigned_on=TODAY - dt.timedelta(days=40),
            due_on=TODAY - dt.timedelta(days=10),
        )  # fmt: skip
        TrainingAssignment.objects.create(
            person=bob, course=confirmed, assigned_on=TODAY - dt.timedelta(days=9),
            status=AssignmentStatus.COMPLETED, completed_on=TODAY - dt.timedelta(days=3),
        )  # fmt: skip


def export(user, kind: str, fmt: str = "xlsx"):
    response = login(user).get(page_url(kind, fmt))
    assert response.status_code == 200, (kind, fmt, response.status_code)
    return response


# --- content -------------------------------------------------------------------------------------


def test_issues_carry_labels_risks_and_a_header_block(members_a, records):
    content = export(members_a[Role.AUDITOR], "issues").content
    block, headers, rows = block_and_table(sheet_values(content))
    assert block["Organisation"] == "Alpha Ltd"
    assert "clause 4.1" in block["Register"] and GENERATED.match(block["Generated at"])
    assert headers[:4] == ["Ref", "Title", "Internal / external", "Category"]
    first, second = as_dicts(headers, rows)
    assert first["Internal / external"] == "External" and first["Category"] == "Technological"
    assert first["Linked risks"] == records["risk"].ref and first["Status"] == "Active"
    assert first["Effect on the ISMS"] == "Production could stop"
    assert second["Title"] == "'" + EVIL  # neutralised: no formula runs when it is opened
    assert second["Category"] == "Legal and regulatory" and second["Status"] == "Inactive"
    rows = csv_rows(export(members_a[Role.AUDITOR], "issues", "csv").content)
    assert rows[0]["Category"] == "Technological" and rows[1]["Title"] == "'" + EVIL


def test_parties_list_their_requirements(members_a, records):
    block, headers, rows = block_and_table(
        sheet_values(export(members_a[Role.AUDITOR], "interested-parties").content)
    )
    assert "clause 4.2" in block["Register"] and block["Interested parties"] == 2
    authority, staff = as_dicts(headers, rows)
    assert authority["Kind"] == "Regulator or authority" and authority["Requirements"] == "REQ-0001"
    assert authority["Needs and expectations"] == "Breach notification within 72 hours"
    assert staff["Internal / external"] == "Internal" and staff["Kind"] == "Employees"
    assert staff["Needs and expectations"] == "'-1 overtime" and not staff["Requirements"]


def test_requirements_name_owners_parties_and_controls(members_a, records):
    block, headers, rows = block_and_table(
        sheet_values(export(members_a[Role.AUDITOR], "requirements").content)
    )
    assert "clause 4.2 c" in block["Register"]
    gdpr, annex = as_dicts(headers, rows)
    assert gdpr["Source"] == "Law" and gdpr["Reference"] == "GDPR Art. 33"
    assert gdpr["Owner"] == "Max Manager"  # the full name, not the login
    assert gdpr["Controls"] == "A.5.24, A.5.26"  # SoA order, whatever order they were given
    assert gdpr["Interested parties"] == "Data protection authority"
    assert gdpr["How it is addressed"] == "Incident procedure" and gdpr["Status"] == "Active"
    assert annex["Owner"] == "a-owner"  # no name recorded: the username
    assert annex["Source"] == "Contract" and annex["Reference"] == "'@annex"
    rows = csv_rows(export(members_a[Role.AUDITOR], "requirements", "csv").content)
    assert rows[0]["Controls"] == "A.5.24, A.5.26" and rows[0]["Owner"] == "Max Manager"


def test_raci_names_its_revision_last_change_and_warnings(org_a, members_a, manager):
    with org_context(org_a), acting_as(manager):
        process = IsmsProcess.objects.get(name="Risk assessment")
        role = IsmsRole.objects.get(name="Internal auditor")
        roles_svc.set_cell(process, role, "C")
        roles_svc.create_process({"name": "=Evil process", "clause": "9.2"})
    block, headers, rows = block_and_table(
        sheet_values(export(members_a[Role.AUDITOR], "raci").content)
    )
    assert "clause 5.3" in block["Register"] and GENERATED.match(block["Generated at"])
    assert re.match(r"^r\d+$", block["Revision"])
    assert block["Last changed"].endswith(" UTC by Max Manager")
    assert headers[:3] == ["Process", "Clause", "Top management"] and headers[-1] == "Warnings"
    by_name = {row["Process"]: row for row in as_dicts(headers, rows)}
    assert by_name["Risk assessment"]["Internal auditor"] == "C"
    assert by_name["Risk assessment"]["Clause"] == "6.1.2"
    evil = by_name["'=Evil process"]
    assert "nobody is accountable (A)" in evil["Warnings"]
    assert block["Rows with warnings"].startswith("1 of ")
    before = block["Revision"]
    with org_context(org_a), acting_as(manager):
        roles_svc.set_cell(process, role, "I")
    again, _, _ = block_and_table(sheet_values(export(members_a[Role.AUDITOR], "raci").content))
    assert int(again["Revision"][1:]) == int(before[1:]) + 1
    rows = list(csv.reader(io.StringIO(export(manager, "raci", "csv").content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Warnings" and rows[-1][:2] == ["'=Evil process", "9.2"]


def test_competence_and_training_records(members_a, records):
    content = export(members_a[Role.AUDITOR], "competence").content
    block, headers, rows = block_and_table(sheet_values(content, 0))
    assert "clause 7.2" in block["Register"] and block["Organisation"] == "Alpha Ltd"
    assert load_workbook(io.BytesIO(content)).sheetnames == [
        "Competences held", "Training records",
    ]  # fmt: skip
    held = {(r["Person"], r["Competence"]): r for r in as_dicts(headers, rows)}
    # Numbered after the people already in the register (owners' people among them).
    n = next(k[0] for k in held if k[0].startswith("Ada Lovelace")).rsplit(" ", 1)[1]
    ada = held[(f"Ada Lovelace {n}", "ISO 27001 internal auditor")]
    assert ada["Source"] == "Recorded" and ada["Status"] == "Held"
    assert ada["Obtained"] == dt.datetime(2024, 3, 1) and ada["Evidence"] == "Certificate 123"
    coding = held[(f"Ada Lovelace {n}", "Secure development")]
    assert coding["Source"] == "Course" and coding["Course"] == "Secure coding"
    assert coding["Status"] == "Held" and coding["Expires"] is not None
    bob = held[(f"'@Bob {n}", "ISO 27001 internal auditor")]
    assert bob["Status"] == "Expired"
    assert held[(f"'@Bob {n}", "Incident handling")]["Status"] == "Awaiting manager confirmation"
    block2, headers, rows = block_and_table(sheet_values(content, 1))
    assert block2["Organisation"] == "Alpha Ltd"
    training = as_dicts(headers, rows)
    done = next(r for r in training if r["Person"] == f"Ada Lovelace {n}")
    assert done["Course"] == "Secure coding" and done["Campaign"] == "Autumn 2026"
    assert done["Score (%)"] == 92 and done["Status"] == "Completed"
    assert isinstance(done["Completed"], dt.datetime)
    late = next(r for r in training if r["Person"] == f"'@Bob {n}" and r["Campaign"])
    assert late["Status"] == "Assigned (overdue)"
    rows = csv_rows(export(members_a[Role.AUDITOR], "competence", "csv").content)
    assert {r["Record"] for r in rows} == {"Competence held", "Training"}
    first = next(r for r in rows if r["Record"] == "Training" and r["Score (%)"] == "92")
    assert first["Completed"] == (TODAY - dt.timedelta(days=2)).isoformat()  # ISO 8601


# --- CLI -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_cli_writes_each_export(records, kind, tmp_path):
    for fmt in ("xlsx", "csv"):
        path = tmp_path / f"{kind}.{fmt}"
        out = io.StringIO()
        call_command(
            "export", kind, "--org", "alpha", "--format", fmt, "--output", str(path), stdout=out
        )
        assert "Wrote" in out.getvalue() and path.exists()
        content = path.read_bytes()
        if fmt == "xlsx":
            block, _, _ = block_and_table(sheet_values(content))
            assert block["Organisation"] == "Alpha Ltd"
        else:
            assert content.startswith(b"\xef\xbb\xbf")


# --- web -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_download_follows_the_export_permission(members_a, records, role):
    client = login(members_a[role])
    allowed = can(role, "records.export")
    for kind in KINDS:
        response = client.get(page_url(kind, "xlsx"))
        assert response.status_code == (200 if allowed else 403), (role, kind)
        page = client.get(f"/o/alpha/{KINDS[kind][2]}").content.decode()
        assert (page_url(kind, "xlsx") in page) == allowed, (role, kind)
        assert (page_url(kind, "csv") in page) == allowed, (role, kind)
        if allowed:
            assert response["Content-Type"] == XLSX_TYPE
            name = f"{kind}-alpha-{timezone.now().date().isoformat()}.xlsx"
            assert response["Content-Disposition"] == f'attachment; filename="{name}"'
            assert response["Cache-Control"] == "no-store"
            assert client.get(page_url(kind, "csv"))["Content-Type"] == CSV_TYPE
    assert login(members_a[Role.VIEWER]).get(page_url("competence", "csv")).status_code == 403


def test_bad_formats_and_other_organisations(members_a, members_b, records):
    client = login(members_a[Role.OWNER])
    stranger = login(members_b[Role.OWNER])
    for kind in KINDS:
        assert client.get(page_url(kind, "pdf")).status_code == 404
        assert stranger.get(page_url(kind, "xlsx")).status_code == 404
    assert Client().get(page_url("issues", "xlsx")).status_code == 302  # to the login


# --- API -----------------------------------------------------------------------------------------


def token_client(user, org) -> Client:
    _, raw = issue_token(user, org, "exports")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_downloads_with_a_token_and_with_the_session(org_a, members_a, records):
    by_token = token_client(members_a[Role.AUDITOR], org_a)
    session = Client(headers={"X-Organisation": "alpha"})
    session.force_login(members_a[Role.AUDITOR])
    for client in (by_token, session):
        for kind in KINDS:
            response = client.get(api_url(kind))
            assert response.status_code == 200, (kind, response.content[:200])
            assert response["Content-Type"] == XLSX_TYPE
            assert response["Content-Disposition"].startswith(f'attachment; filename="{kind}-')
            block, _, _ = block_and_table(sheet_values(response.content))
            assert block["Organisation"] == "Alpha Ltd"
            response = client.get(api_url(kind, "csv"))
            assert response["Content-Type"] == CSV_TYPE and response.content[:3] == b"\xef\xbb\xbf"
            assert client.get(api_url(kind, "pdf")).status_code == 422


def test_api_permissions(org_a, org_b, members_a, members_b, records):
    viewer = token_client(members_a[Role.VIEWER], org_a)
    contributor = Client(headers={"X-Organisation": "alpha"})
    contributor.force_login(members_a[Role.CONTRIBUTOR])
    stranger = Client(headers={"X-Organisation": "alpha"})
    stranger.force_login(members_b[Role.OWNER])
    for kind in KINDS:
        assert viewer.get(api_url(kind)).status_code == 403
        assert contributor.get(api_url(kind)).status_code == 403
        assert stranger.get(api_url(kind)).status_code == 404
        assert Client().get(api_url(kind)).status_code == 401


def test_openapi_declares_the_files():
    paths = api.get_openapi_schema()["paths"]
    for kind in KINDS:
        responses = paths[f"/api/v1/{KINDS[kind][1]}"]["get"]["responses"]
        assert set(responses[200]["content"]) == {XLSX_TYPE, CSV_TYPE}
        assert {401, 403, 404, 422} <= set(responses)


# --- queries -------------------------------------------------------------------------------------


def grow(org, manager, n: int) -> None:
    """``n`` more issues (with risks), parties and requirements (with parties and controls),
    processes, and sets of people with competences and training."""
    with org_context(org), acting_as(manager):
        risk = create_risk({"title": f"Risk {n}"})
        for i in range(n):
            issues.create_issue({"title": f"Issue {n}-{i}", "kind": "internal",
                                 "category": "other", "risks": [risk]})  # fmt: skip
            party = parties.create_party({"name": f"Party {n}-{i}", "kind": "customer"})
            parties.create_obligation({
                "title": f"Req {n}-{i}", "source": "contract", "parties": [party],
                "controls": ["A.5.1", "A.8.1"], "owner": manager,
            })  # fmt: skip
            process = roles_svc.create_process({"name": f"Process {n}-{i}"})
            roles_svc.set_cell(process, IsmsRole.objects.order_by("order").first(), "A")
        people_records(org, n)


def test_exports_run_in_constant_queries(org_a, members_a, manager, django_assert_max_num_queries):
    client = login(members_a[Role.AUDITOR])
    grow(org_a, manager, 2)
    small = {}
    for kind in KINDS:
        for fmt in ("xlsx", "csv"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(page_url(kind, fmt)).status_code == 200
            small[kind, fmt] = len(ctx)
    grow(org_a, manager, 12)
    for kind in KINDS:
        for fmt in ("xlsx", "csv"):
            with django_assert_max_num_queries(small[kind, fmt]):
                response = client.get(page_url(kind, fmt))
            assert response.status_code == 200
    rows = csv_rows(client.get(page_url("issues", "csv")).content)
    assert len(rows) == 14
