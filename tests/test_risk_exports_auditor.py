"""Exports an auditor accepts: the risk register and treatment plan with a header block, human
labels, acceptances and sign-off state; the risk method as a controlled document (DOCX/PDF)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.people.models import Person
from openisms.risk import method_document
from openisms.risk.io import exporter
from openisms.risk.models import Risk, Threat, TreatmentAction, Vulnerability
from openisms.risk.services import methodology as methods
from openisms.risk.services.actions import create_action, sign_plan, update_action
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import accept_risk, create_risk, update_risk
from tests.conftest import login

pytestmark = pytest.mark.django_db
NAMES = {
    Role.OWNER: ("Olga", "Owner"), Role.ISMS_MANAGER: ("Ivan", "Manager"),
    Role.CONTRIBUTOR: ("Carl", "Contributor"), Role.APPROVER: ("Alice", "Approver"),
    Role.AUDITOR: ("Otto", "Auditor"),
}  # fmt: skip
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$")


def as_tests():
    return acting_as(Actor(user_id=None, label="tests"))


def name_people(members: dict) -> None:
    for role, (first, last) in NAMES.items():
        user = members[role]
        user.first_name, user.last_name = first, last
        user.save()
        # Their people in the register (made when they joined) carry the same name.
        Person.unscoped.filter(user=user).update(full_name=f"{first} {last}")


def seed(org, members: dict, *, extra: int = 0) -> dict:
    """A treated risk, an accepted one (signed here), a planned one; ``extra`` more of each."""
    name_people(members)
    carl, alice = members[Role.CONTRIBUTOR], members[Role.APPROVER]
    made: dict = {}
    with as_tests(), org_context(org):
        crm = create_asset({"name": "CRM", "type": "software"})
        threat, vuln = Threat.objects.get(code="T01"), Vulnerability.objects.get(code="V01")
        for i in range(1 + extra):
            suffix = f" {i}" if i else ""
            treated = create_risk(
                {"title": f"Ransomware encrypts the CRM{suffix}", "assets": [crm],
                 "owner": carl, "threat": threat, "vulnerability": vuln,
                 "inherent_likelihood": 4, "inherent_impact": 5, "treatment": "mitigate",
                 "controls": ["A.8.13", "A.8.7"], "residual_likelihood": 2,
                 "residual_impact": 2}
            )  # fmt: skip
            update_risk(treated, {"status": "treatment_planned"})
            create_action(
                treated,
                {"title": f"Offline backups{suffix}", "owner": alice,
                 "due_date": dt.date(2027, 3, 31), "control": "A.8.13"},
            )  # fmt: skip
            accepted = create_risk(
                {"title": f"Office flood{suffix}", "owner": carl, "inherent_likelihood": 2,
                 "inherent_impact": 3, "treatment": "accept", "residual_likelihood": 2,
                 "residual_impact": 3}
            )  # fmt: skip
            accept_risk(accepted, user=alice, comment="Insured; within appetite")
            create_risk({"title": f"New market{suffix}", "kind": "opportunity", "owner": carl})
            made.setdefault("treated", treated)
            made.setdefault("accepted", accepted)
    return made


def sheet_rows(data: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def split(data: bytes) -> tuple[dict, list[tuple]]:
    """(header block as a dict, table rows) of an XLSX export."""
    rows = sheet_rows(data)
    blank = next(i for i, r in enumerate(rows) if not any(v not in (None, "") for v in r))
    return {r[0]: r[1] for r in rows[:blank]}, rows[blank + 1 :]


def xlsx(org, kind: str, **filters) -> bytes:
    with org_context(org):
        return exporter.to_xlsx(kind, filters=filters or None)


def by_title(table: list[tuple]) -> dict[str, dict]:
    headers = table[0]
    return {row[2]: dict(zip(headers, row, strict=True)) for row in table[1:]}


# --- the register ---------------------------------------------------------------------------


def test_register_header_block_and_human_labels(org_a, members_a):
    seed(org_a, members_a)
    block, table = split(xlsx(org_a, "risks"))
    assert block["Organisation"] == "Alpha Ltd" and block["Document"] == "Risk register"
    assert MOMENT.match(block["Generated at"])
    assert block["Risk method"] == "v1 (in force)"
    assert block["Risk method approval"].startswith("NOT APPROVED")
    assert block["Filter"] == "None: the whole register" and block["Risks"] == 3
    rows = by_title(table)
    treated = rows["Ransomware encrypts the CRM"]
    assert treated["Risk owner"] == "Carl Contributor"
    assert treated["Threat"] == "Ransomware attack"
    assert treated["Vulnerability"] == "No multi-factor authentication"
    assert treated["Status"] == "Treatment planned" and treated["Kind"] == "Risk"
    assert treated["Treatment option"] == "Mitigate (modify)"
    assert (treated["Inherent likelihood"], treated["Inherent impact"]) == (4, 5)
    assert treated["Inherent level"] == "Critical" and treated["Residual level"] == "Low"
    assert treated["Annex A controls"] == "A.8.7, A.8.13" and treated["Assets"] == "A-0001"
    assert treated["Accepted by"] is None and treated["Accepted at"] is None
    accepted = rows["Office flood"]
    assert accepted["Status"] == "Residual risk accepted"
    assert accepted["Accepted by"] == "Alice Approver"
    assert accepted["Acceptance role"] == "Approver (top management)"
    assert MOMENT.match(accepted["Accepted at"])
    assert accepted["Acceptance comment"] == "Insured; within appetite"
    flat = [str(v) for row in table for v in row if v is not None]
    for raw in ("treatment_planned", "T01", "V01", "a-contributor", "mitigate", "critical"):
        assert raw not in flat
    with as_tests(), org_context(org_a):
        methods.approve(methods.current(), approver=members_a[Role.APPROVER], role="approver")
    block, _ = split(xlsx(org_a, "risks"))
    assert block["Risk method approval"].startswith(
        "Approved by Alice Approver, Approver (top management), "
    )


def test_register_csv_is_the_same_table_without_the_block(org_a, members_a):
    seed(org_a, members_a)
    with org_context(org_a):
        text = exporter.to_csv("risks").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    _, table = split(xlsx(org_a, "risks"))
    assert rows[0] == list(table[0])  # the header row comes first: no comment lines
    assert rows[0][-4:] == ["Accepted by", "Acceptance role", "Accepted at", "Acceptance comment"]

    def text_of(value):
        if isinstance(value, dt.datetime):  # openpyxl reads a date cell back as a datetime
            return value.date().isoformat()
        return "" if value is None else str(value)

    assert rows[1:] == [[text_of(v) for v in row] for row in table[1:]]


def test_filtered_export_names_its_filter(org_a, members_a):
    seed(org_a, members_a)
    client = login(members_a[Role.AUDITOR])
    url = reverse("core:risk:export", args=["alpha", "risks", "xlsx"])
    response = client.get(url, {"status": "accepted", "owner": "a-contributor", "page": "2"})
    block, table = split(b"".join(response.streaming_content))
    assert block["Filter"] == "Risk owner: Carl Contributor; Status: Residual risk accepted"
    assert block["Risks"] == 1 and [r[2] for r in table[1:]] == ["Office flood"]
    csv_response = client.get(url.replace(".xlsx", ".csv"), {"status": "accepted"})
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "Office flood" in lines[1]


# --- the treatment plan -------------------------------------------------------------------


def test_plan_shows_risk_owner_and_signoff_state(org_a, members_a):
    seed(org_a, members_a)
    block, table = split(xlsx(org_a, "treatment-plan"))
    assert block["Document"] == "Risk treatment plan"
    assert block["Plan approval (top management)"] == "NOT APPROVED by top management"
    assert block["Risk owners who have not confirmed"] == "Carl Contributor"
    assert block["Risk owners who confirmed"] == "None"
    assert block["Changed since signing"] == "Not signed yet"
    assert len(block["Plan content SHA-256"]) == 64 and block["Actions"] == 1
    assert table[0] == ("Risk ref", "Risk title", "Risk owner", "Action", "Action owner",
                        "Due date", "Status", "Control", "Overdue")  # fmt: skip
    assert table[1][2] == "Carl Contributor" and table[1][4] == "Alice Approver"
    assert table[1][6] == "Planned" and table[1][7] == "A.8.13 Information backup"
    with as_tests(), org_context(org_a):
        sign_plan(user=members_a[Role.CONTRIBUTOR], comment="my part")
        sign_plan(user=members_a[Role.APPROVER])
    block, _ = split(xlsx(org_a, "treatment-plan"))
    assert block["Plan approval (top management)"].startswith(
        "Approved by Alice Approver, Approver (top management), "
    )
    assert block["Risk owners who confirmed"].startswith("Carl Contributor, Contributor")
    assert block["Risk owners who have not confirmed"] == "None"
    assert block["Changed since signing"] == "No"
    with as_tests(), org_context(org_a):
        update_action(TreatmentAction.objects.get(), {"due_date": dt.date(2027, 6, 30)})
    block, _ = split(xlsx(org_a, "treatment-plan"))
    assert block["Changed since signing"].startswith("Yes: changed after the last signature")
    assert block["Plan approval (top management)"].startswith("NOT APPROVED")
    assert block["Risk owners who have not confirmed"] == "Carl Contributor"


# --- the risk method as a controlled document ---------------------------------------------


def docx_text(data: bytes) -> tuple[str, str]:
    """(running header, body text including tables) of a DOCX."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    header = " ".join(p.text for p in doc.sections[0].header.paragraphs)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return header, "\n".join(parts)


def test_method_document_docx_and_pdf(org_a, members_a):
    name_people(members_a)
    with org_context(org_a):
        current = methods.current()
        header, body = docx_text(method_document.render(current, "docx"))
        html = method_document.method_html(method_document.method_data(current))
        pdf = method_document.render(current, "pdf")
    assert "DRAFT" in header and "Alpha Ltd" in header
    for text in ("Likelihood scale", "Impact scale", "Risk matrix", "Risk levels and acceptance",
                 "Version history", "Critical", "Approver (top management)", "Not approved",
                 "This version's content SHA-256"):  # fmt: skip
        assert text in body, text
    assert "DRAFT" in html and pdf.startswith(b"%PDF-") and len(pdf) > 5000
    with as_tests(), org_context(org_a):
        approval = methods.approve(current, approver=members_a[Role.APPROVER], role="approver")
        header, body = docx_text(method_document.render(methods.current(), "docx"))
        html = method_document.method_html(method_document.method_data(methods.current()))
        data = methods.current().data
        data["review_months"] = 6
        methods.propose(data, note="Review twice a year", user=members_a[Role.ISMS_MANAGER])
        draft_header, draft_body = docx_text(
            method_document.render(method_document.pick(2), "docx")
        )
    assert "DRAFT" not in header and "DRAFT" not in html
    assert "Approved by Alice Approver, Approver (top management), " in body
    assert approval.content_hash in body
    assert "DRAFT" in draft_header and "Review twice a year" in draft_body
    assert "v1" in draft_body and "v2" in draft_body  # the version history


def test_method_page_downloads_and_permissions(org_a, members_a):
    viewer, auditor = login(members_a[Role.VIEWER]), login(members_a[Role.AUDITOR])
    page = viewer.get(reverse("core:risk:methodology", args=["alpha"])).content.decode()
    docx_url = reverse("core:risk:methodology_export", args=["alpha", "docx"])
    assert f"{docx_url}?version=1" in page
    response = viewer.get(docx_url)
    assert response.status_code == 200
    assert 'filename="risk-method-alpha-v1.docx"' in response["Content-Disposition"]
    pdf = viewer.get(reverse("core:risk:methodology_export", args=["alpha", "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    with as_tests(), org_context(org_a):
        methods.propose(methods.current().data, note="x", user=members_a[Role.ISMS_MANAGER])
    assert viewer.get(docx_url, {"version": "2"}).status_code == 403  # a draft is an export
    assert (
        f"{docx_url}?version=2"
        not in viewer.get(reverse("core:risk:methodology", args=["alpha"])).content.decode()
    )
    assert auditor.get(docx_url, {"version": "2"}).status_code == 200
    assert auditor.get(docx_url, {"version": "9"}).status_code == 404
    assert (
        auditor.get(reverse("core:risk:methodology_export", args=["alpha", "odt"])).status_code
        == 404
    )


# --- API and CLI ------------------------------------------------------------------------------


def test_api_exports_under_token_and_session(org_a, members_a):
    seed(org_a, members_a)
    from django.test import Client

    token = issue_token(members_a[Role.AUDITOR], org_a, "tests")[1]
    callers = {
        "token": Client(headers={"Authorization": f"Bearer {token}"}),
        "session": login(members_a[Role.AUDITOR]),
    }
    callers["session"].defaults["HTTP_X_ORGANISATION"] = "alpha"
    for auth, client in callers.items():
        register = client.get("/api/v1/risk/register/export", {"format": "xlsx"})
        assert register.status_code == 200, (auth, register.content)
        block, table = split(register.content)
        assert block["Organisation"] == "Alpha Ltd" and len(table) == 4
        filtered = client.get("/api/v1/risk/register/export",
                              {"format": "csv", "status": "accepted"})  # fmt: skip
        assert filtered["Content-Type"].startswith("text/csv")
        assert filtered.content.decode("utf-8-sig").count("\r\n") == 2
        plan = client.get("/api/v1/risk/plan/export", {"format": "xlsx"})
        assert plan.status_code == 200 and "Plan content SHA-256" in split(plan.content)[0]
        method = client.get("/api/v1/risk/methodology/export", {"format": "docx"})
        assert method.status_code == 200 and "DRAFT" in docx_text(method.content)[0]
        assert client.get("/api/v1/risk/methodology/export", {"version": 7}).status_code == 404
    viewer = issue_token(members_a[Role.VIEWER], org_a, "tests")[1]
    as_viewer = Client(headers={"Authorization": f"Bearer {viewer}"})
    assert as_viewer.get("/api/v1/risk/register/export").status_code == 403
    assert as_viewer.get("/api/v1/risk/plan/export").status_code == 403
    assert as_viewer.get("/api/v1/risk/methodology/export").status_code == 200
    assert Client().get("/api/v1/risk/register/export").status_code == 401


def test_cli_exports(org_a, members_a, tmp_path):
    seed(org_a, members_a)
    out = io.StringIO()
    path = tmp_path / "method.docx"
    call_command("export", "risk-method", "--org", "alpha", "--format", "docx",
                 "--output", str(path), stdout=out)  # fmt: skip
    assert "risk method v1 (not approved: marked DRAFT)" in out.getvalue()
    assert "DRAFT" in docx_text(path.read_bytes())[0]
    pdf = tmp_path / "method.pdf"
    call_command("export", "risk-method", "--org", "alpha", "--format", "pdf",
                 "--output", str(pdf), "--version", "1", stdout=io.StringIO())  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pytest.raises(CommandError, match="no risk method v4"):
        call_command("export", "risk-method", "--org", "alpha", "--format", "pdf",
                     "--output", str(pdf), "--version", "4")  # fmt: skip
    with pytest.raises(CommandError, match="exports as docx, pdf"):
        call_command("export", "risk-method", "--org", "alpha", "--format", "xlsx",
                     "--output", str(pdf))  # fmt: skip
    register = tmp_path / "risks.xlsx"
    call_command("export", "risks", "--org", "alpha", "--format", "xlsx",
                 "--output", str(register), stdout=io.StringIO())  # fmt: skip
    block, table = split(register.read_bytes())
    assert (
        block["Organisation"] == "Alpha Ltd"
        and by_title(table)["Office flood"]["Accepted by"] == "Alice Approver"
    )


# --- query counts ----------------------------------------------------------------------------


def _queries(org) -> list[int]:
    counts = []
    for kind in ("risks", "treatment-plan"):
        for fmt in ("xlsx", "csv"):
            with org_context(org), CaptureQueriesContext(connection) as captured:
                if fmt == "xlsx":
                    exporter.to_xlsx(kind)
                else:
                    exporter.to_csv(kind)
            counts.append(len(captured))
    with org_context(org), CaptureQueriesContext(connection) as captured:
        method_document.render(methods.current(), "docx")
    counts.append(len(captured))
    return counts


def test_export_queries_do_not_grow_with_the_register(org_a, members_a, org_b, members_b):
    seed(org_a, members_a, extra=1)
    seed(org_b, members_b, extra=15)
    for org, members in ((org_a, members_a), (org_b, members_b)):
        with as_tests(), org_context(org):
            sign_plan(user=members[Role.CONTRIBUTOR])
    with org_context(org_b):
        assert Risk.objects.count() == 48
    assert _queries(org_a) == _queries(org_b)


# CI installs LibreOffice (make browser): there a missing soffice fails instead of skipping.
@pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("CI"), reason="LibreOffice is not installed"
)
def test_libreoffice_opens_the_files(org_a, members_a, tmp_path):
    seed(org_a, members_a)
    with org_context(org_a):
        files = {
            "method.docx": method_document.render(methods.current(), "docx"),
            "risks.xlsx": exporter.to_xlsx("risks"),
            "plan.xlsx": exporter.to_xlsx("treatment-plan"),
        }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), *files],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in files:
        converted = tmp_path / "out" / (name.rsplit(".", 1)[0] + ".pdf")
        assert converted.read_bytes().startswith(b"%PDF-"), (name, result.stdout, result.stderr)
