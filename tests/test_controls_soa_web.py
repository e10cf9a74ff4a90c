"""SoA pages and API: freezing, approval, diff, downloads and permissions."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from openisms.controls.models import Control, SoaStatus, SoaVersion
from openisms.core.context import org_context
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE
from tests.conftest import login

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/controls/soa/"
API = "/api/v1/controls/soa"


def api_client(user, org: str = "alpha") -> Client:
    client = Client(headers={"X-Organisation": org})
    client.force_login(user)
    return client


def decide_all(org) -> None:
    with org_context(org):
        from openisms.controls.services.setup import ensure_controls

        ensure_controls()
        Control.objects.update(applicable=True, business_need="Needed.")


def test_page_freeze_approve_and_download(org_a, members_a):
    manager = login(members_a["isms_manager"])
    page = manager.get(BASE)
    assert page.status_code == 200 and b"no applicability decision" in page.content
    response = manager.post(BASE + "freeze/", {"note": "first"}, follow=True)
    assert b"Fix these before freezing" in response.content
    decide_all(org_a)
    response = manager.post(BASE + "freeze/", {"note": "first"})
    version = SoaVersion.unscoped.get()
    assert response.status_code == 302 and str(version.pk) in response["Location"]
    # The manager froze it: no approval form for them (and they lack soa.approve anyway).
    decide = f"{BASE}{version.pk}/decide/"
    assert manager.post(decide, {"decision": "approved"}).status_code == 403
    approver = login(members_a["approver"])
    detail = approver.get(f"{BASE}{version.pk}/")
    assert b"Approve v1" in detail.content and detail.content.count(b"<td>A.") >= 93
    approver.post(decide, {"decision": "approved"})
    version.refresh_from_db()
    assert version.status == SoaStatus.APPROVED
    page = login(members_a["viewer"]).get(BASE)
    assert b"Approved SoA (v1)" in page.content
    for fmt, kind in (("xlsx", XLSX_TYPE), ("docx", DOCX_TYPE), ("pdf", PDF_TYPE)):
        download = login(members_a["viewer"]).get(f"{BASE}export.{fmt}")
        assert download.status_code == 200 and download["Content-Type"] == kind
        assert download["Content-Disposition"] == f'attachment; filename="SoA-v1.{fmt}"'
    # The draft (live state) needs records.export: a viewer may not, an auditor may.
    assert login(members_a["viewer"]).get(f"{BASE}export.xlsx?version=draft").status_code == 403
    draft = login(members_a["auditor"]).get(f"{BASE}export.xlsx?version=draft")
    assert draft["Content-Disposition"] == 'attachment; filename="SoA-draft.xlsx"'
    assert manager.get(f"{BASE}export.csv").status_code == 404
    assert manager.get(f"{BASE}export.xlsx?version=7").status_code == 404


def test_reject_and_diff_pages(org_a, members_a):
    decide_all(org_a)
    manager = login(members_a["isms_manager"])
    manager.post(BASE + "freeze/")
    version = SoaVersion.unscoped.get()
    approver = login(members_a["approver"])
    response = approver.post(f"{BASE}{version.pk}/decide/", {"decision": "rejected"}, follow=True)
    assert b"Say why" in response.content
    approver.post(f"{BASE}{version.pk}/decide/", {"decision": "rejected", "comment": "No"})
    version.refresh_from_db()
    assert version.status == SoaStatus.REJECTED
    with org_context(org_a):
        Control.objects.filter(ref="A.5.9").update(status="implemented")
    manager.post(BASE + "freeze/")
    diff = manager.get(BASE + "diff/?from=1&to=2")
    assert diff.status_code == 200 and b"A.5.9" in diff.content
    live = manager.get(BASE + "diff/")
    assert b"nothing approved yet" in live.content
    assert manager.get(BASE + "diff/?to=abc").status_code == 404


def test_viewer_and_contributor_cannot_freeze(org_a, members_a):
    decide_all(org_a)
    for role in ("viewer", "contributor", "auditor", "approver"):
        assert login(members_a[role]).post(BASE + "freeze/").status_code == 403
    assert not SoaVersion.unscoped.exists()


def test_api_freeze_approve_diff_export(org_a, members_a):
    manager = api_client(members_a["isms_manager"])
    refused = manager.post(f"{API}/versions", {}, content_type="application/json")
    assert refused.status_code in (400, 422)
    decide_all(org_a)
    created = manager.post(f"{API}/versions", {"note": "v1"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == 1 and len(body["rows"]) == 93 and body["approval"]["state"] == "none"
    vid = body["id"]
    listed = manager.get(f"{API}/versions").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == vid
    assert manager.post(f"{API}/versions/{vid}/approve", {}, content_type="application/json")\
        .status_code == 403  # fmt: skip
    approver = api_client(members_a["approver"])
    approved = approver.post(f"{API}/versions/{vid}/approve", {}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = approver.post(f"{API}/versions/{vid}/reject", {"comment": "x"},
                          content_type="application/json")  # fmt: skip
    assert again.status_code == 400
    with org_context(org_a):
        Control.objects.filter(ref="A.8.1").update(implementation="New")
    live = manager.get(f"{API}/diff").json()
    assert live["old"] == "v1" and live["new"] == "live"
    assert [c["ref"] for c in live["changed"]] == ["A.8.1"]
    assert manager.get(f"{API}/versions/{vid}/diff").json()["old"] == ""
    export = api_client(members_a["viewer"]).get(f"{API}/export?format=xlsx")
    assert export.status_code == 200 and export["Content-Type"] == XLSX_TYPE
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    refs = [r[0] for r in sheet.iter_rows(values_only=True) if r[0]]
    assert sum(1 for r in refs if str(r).startswith("A.")) == 93
    assert api_client(members_a["viewer"]).get(f"{API}/export?version=draft").status_code == 403
    assert manager.get(f"{API}/export?format=pdf&version=draft").status_code == 200
    assert manager.get(f"{API}/export?version=5").status_code == 404


def test_other_organisation_sees_nothing(org_a, org_b, members_a, members_b):
    decide_all(org_a)
    login(members_a["isms_manager"]).post(BASE + "freeze/")
    version = SoaVersion.unscoped.get()
    stranger = login(members_b["owner"])
    assert stranger.get(f"{BASE}{version.pk}/").status_code in (403, 404)
    assert stranger.get(f"/o/bravo/controls/soa/{version.pk}/").status_code == 404
    api = api_client(members_b["owner"], "bravo")
    assert api.get(f"/api/v1/controls/soa/versions/{version.pk}").status_code == 404
    assert stranger.get("/o/bravo/controls/soa/export.xlsx").status_code == 404


def test_soa_page_queries_do_not_grow_with_risks(org_a, members_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openisms.catalogue.models import Requirement
    from openisms.core.models.sequence import next_ref
    from openisms.risk.models import Risk

    decide_all(org_a)
    manager = login(members_a["isms_manager"])
    manager.post(BASE + "freeze/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert manager.get(BASE).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    with org_context(org_a):
        controls = list(Requirement.objects.filter(ref__in=["A.5.1", "A.8.8", "A.8.13"]))
        risks = Risk.objects.bulk_create(
            [Risk(organisation=org_a, ref=next_ref(org_a, "R"), title=f"R{n}") for n in range(60)]
        )
        Risk.controls.through.objects.bulk_create(
            [
                Risk.controls.through(risk_id=r.pk, requirement_id=c.pk)
                for r in risks
                for c in controls
            ]
        )
    assert count() == few
