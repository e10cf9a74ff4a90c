"""The evidence register export: XLSX with a header block and CSV, from the page, the API (token
and session) and `openisms export evidence`; formula neutralising; constant queries; the SoA's
evidence references resolve to its rows."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from openisms.catalogue.models import Requirement
from openisms.controls import evidence_exports
from openisms.controls.services import evidence as svc
from openisms.controls.services.setup import ensure_controls
from openisms.controls.soa_rows import build_rows
from openisms.core.context import acting_as, org_context
from openisms.core.exports import XLSX_TYPE
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.risk.models import Risk
from tests.conftest import login
from tests.test_controls_evidence import PDF, use_media

pytestmark = pytest.mark.django_db
PAGE = "/o/alpha/controls/evidence/export"
API = "/api/v1/controls/export/evidence"


@pytest.fixture
def media(settings, tmp_path):
    return use_media(settings, tmp_path)


def _risk(org, title: str) -> Risk:
    risk = Risk.objects.create(organisation=org, ref=next_ref(org, "R"), title=title)
    risk.controls.set(Requirement.objects.filter(framework__slug="iso27001-2022", ref="A.8.13"))
    return risk


def seed(org, user, *, extra: int = 0) -> dict[str, str]:
    with org_context(org), acting_as(user):
        ensure_controls()
        risk = _risk(org, "Backups fail")
        file = svc.create_evidence(
            {"kind": "file", "title": "Backup restore test", "controls": ["A.8.13", "A.5.30"],
             "risks": [risk.ref], "valid_until": dt.date(2099, 1, 31)},
            ContentFile(PDF, name="restore.pdf"), user=user,
        )  # fmt: skip
        link = svc.create_evidence(
            {"kind": "link", "title": "=HYPERLINK(\"http://evil\")", "controls": ["A.8.13"],
             "url": "https://backup.example.test/", "collected_on": dt.date(2019, 1, 1),
             "valid_until": dt.date(2020, 1, 1)},
            user=user,
        )  # fmt: skip
        note = svc.create_evidence(
            {"kind": "note", "title": "Clean desk walk-through", "note": "+1 all fine"},
            user=user,
        )
        for n in range(extra):
            more = _risk(org, f"Risk {n}")
            svc.create_evidence(
                {"kind": "note", "title": f"Note {n}", "note": "n", "controls": ["A.5.1"],
                 "risks": [more.ref]},
                user=user,
            )  # fmt: skip
    return {"file": file.ref, "link": link.ref, "note": note.ref}


def _xlsx(content: bytes) -> tuple[dict, list[tuple], object]:
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Ref")
    facts = {r[0]: r[1] for r in rows[:at] if r and r[0]}
    return facts, [dict(zip(rows[at], r, strict=True)) for r in rows[at + 1 :]], sheet


def test_xlsx_has_header_block_rows_hashes_and_links(org_a, members_a, media):
    refs = seed(org_a, members_a[Role.ISMS_MANAGER])
    with org_context(org_a):
        from openisms.core.register_exports import render

        content = render(evidence_exports.build(), "xlsx")
    facts, rows, sheet = _xlsx(content)
    assert facts["Organisation"] == "Alpha Ltd" and "Evidence register" in facts["Register"]
    assert facts["Generated at"].endswith("UTC") and facts["Evidence items"].startswith("3 ")
    by_ref = {r["Ref"]: r for r in rows}
    assert set(by_ref) == set(refs.values())
    file, link, note = (by_ref[refs[k]] for k in ("file", "link", "note"))
    assert file["SHA-256"] == hashlib.sha256(PDF).hexdigest() and file["Kind"] == "File"
    assert file["Controls"] == "A.5.30, A.8.13" and file["Risks"].startswith("R-")
    assert file["File or link"] == "restore.pdf" and file["Expired"] == "no"
    assert file["Valid until"] == dt.datetime(2099, 1, 31) and file["Owner"] == "a-isms_manager"
    assert link["SHA-256"] is None and link["File or link"] == "https://backup.example.test/"
    assert link["Title"] == '\'=HYPERLINK("http://evil")'  # neutralised, not a formula
    assert link["Expired"] == "yes" and note["SHA-256"] is None and note["Controls"] is None
    # the shared sheet layout of every table export
    assert sheet.print_title_rows and sheet.page_setup.orientation == "landscape"
    assert sheet.auto_filter.ref.startswith("A")


def test_csv_is_the_bare_table_neutralised(org_a, members_a, media):
    refs = seed(org_a, members_a[Role.ISMS_MANAGER])
    response = login(members_a[Role.ISMS_MANAGER]).get(f"{PAGE}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == evidence_exports.HEADERS
    body = {line[0]: line for line in lines[1:]}
    assert (
        body[refs["link"]][1].startswith("'=")
        and body[refs["file"]][4] == dt.date.today().isoformat()
    )
    assert body[refs["file"]][5] == "2099-01-31" and body[refs["note"]][7] == ""


def test_page_button_and_permission(org_a, members_a, media):
    seed(org_a, members_a[Role.ISMS_MANAGER])
    manager, viewer = login(members_a[Role.ISMS_MANAGER]), login(members_a[Role.VIEWER])
    assert b"/controls/evidence/export.xlsx" in manager.get("/o/alpha/controls/evidence/").content
    assert (
        b"/controls/evidence/export.xlsx" not in viewer.get("/o/alpha/controls/evidence/").content
    )
    download = manager.get(f"{PAGE}.xlsx")
    assert download.status_code == 200 and download["Content-Type"] == XLSX_TYPE
    assert download["Content-Disposition"].startswith('attachment; filename="evidence-alpha-')
    assert viewer.get(f"{PAGE}.xlsx").status_code == 403
    assert manager.get(f"{PAGE}.pdf").status_code == 404


def test_api_token_and_session(org_a, members_a, media):
    refs = seed(org_a, members_a[Role.ISMS_MANAGER])
    raw = issue_token(members_a[Role.AUDITOR], org_a, "tests")[1]
    token = Client(headers={"Authorization": f"Bearer {raw}"})
    answer = token.get(API, {"format": "xlsx"})
    assert answer.status_code == 200 and answer["Content-Type"] == XLSX_TYPE
    assert {r["Ref"] for r in _xlsx(answer.content)[1]} == set(refs.values())
    session = Client(headers={"X-Organisation": "alpha"})
    session.force_login(members_a[Role.ISMS_MANAGER])
    answer = session.get(API, {"format": "csv"})
    assert answer.status_code == 200 and refs["file"] in answer.content.decode("utf-8-sig")
    viewer = Client(
        headers={"Authorization": f"Bearer {issue_token(members_a[Role.VIEWER], org_a, 't')[1]}"}
    )
    assert viewer.get(API).status_code == 403
    assert token.get(API, {"format": "docx"}).status_code == 422


def test_cli(org_a, members_a, media, tmp_path):
    refs = seed(org_a, members_a[Role.ISMS_MANAGER])
    for fmt in ("xlsx", "csv"):
        target = tmp_path / f"evidence.{fmt}"
        out = io.StringIO()
        call_command("export", "evidence", "--org", "alpha", "--format", fmt, "--output",
                     str(target), stdout=out)  # fmt: skip
        assert "3 evidence item(s)" in out.getvalue()
    assert refs["link"] in target.read_text("utf-8-sig")


def _queries(org) -> int:
    with org_context(org), CaptureQueriesContext(connection) as captured:
        evidence_exports.build()
    return len(captured.captured_queries)


def test_constant_queries_at_two_sizes(org_a, members_a, media):
    user = members_a[Role.ISMS_MANAGER]
    seed(org_a, user)
    small = _queries(org_a)
    seed(org_a, user, extra=25)
    assert _queries(org_a) == small <= 4


def test_soa_evidence_refs_resolve_to_the_register(org_a, members_a, media):
    seed(org_a, members_a[Role.ISMS_MANAGER])
    with org_context(org_a):
        soa_refs = {ref for row in build_rows() for ref in row["evidence"]}
        register_refs = {row[0] for row in evidence_exports.rows()}
    assert soa_refs and soa_refs <= register_refs
