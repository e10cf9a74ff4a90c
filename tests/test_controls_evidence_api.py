"""Evidence API: links and notes as JSON, files as multipart (abuse refused, nothing stored),
read/patch/delete, the authorised binary download, and evidence requests."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openisms.controls.models import Evidence
from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from tests.test_controls_evidence import PDF, stored, use_media

pytestmark = pytest.mark.django_db
C = "/api/v1/controls"


@pytest.fixture
def media(settings, tmp_path):
    return use_media(settings, tmp_path)


class Api:
    def __init__(self, raw: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {raw}"})

    def get(self, path: str, **params):
        return self.client.get(C + path, params)

    def send(self, method: str, path: str, body=None):
        data = json.dumps(body if body is not None else {})
        return self.client.generic(method, C + path, data, content_type="application/json")

    def post(self, path: str, body=None):
        return self.send("POST", path, body)

    def upload(self, data: dict):
        return self.client.post(C + "/evidence/upload", data)


@pytest.fixture
def api(members_a, org_a) -> dict[str, Api]:
    return {role: Api(issue_token(user, org_a, "tests")[1]) for role, user in members_a.items()}


def detail(response) -> str:
    return json.dumps(response.json()["detail"], ensure_ascii=False)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json() if response.content else {}


def test_links_notes_and_metadata(api):
    manager = api[Role.ISMS_MANAGER]
    link = ok(manager.post("/evidence", {
        "kind": "link", "title": "Backup dashboard", "url": "https://backup.example.test/",
        "controls": ["A.8.13"], "valid_until": "2099-01-01",
    }), 201)  # fmt: skip
    assert link["ref"].startswith("EV-") and link["controls"] == ["A.8.13"]
    assert link["owner"] == "a-isms_manager" and link["expired"] is False
    refused = manager.post("/evidence", {"kind": "link", "title": "x", "url": "javascript:x"})
    assert refused.status_code == 400 and "https://" in detail(refused)
    refused = manager.post("/evidence", {"kind": "note", "title": "x"})
    assert refused.status_code == 400 and "needs its text" in detail(refused)
    assert manager.post("/evidence", {"kind": "file", "title": "x"}).status_code == 422
    assert manager.post("/evidence", [1, 2]).status_code == 422
    changed = ok(manager.send("PATCH", f"/evidence/{link['id']}", {
        "title": "Backup console", "controls": ["A.8.13", "A.5.30"], "owner": "a-contributor",
    }))  # fmt: skip
    assert changed["title"] == "Backup console" and changed["controls"] == ["A.5.30", "A.8.13"]
    assert changed["owner"] == "a-contributor"
    listed = ok(manager.get("/evidence", control="A.5.30"))
    assert [e["ref"] for e in listed["items"]] == [link["ref"]]
    assert ok(manager.get("/evidence", validity="expired"))["items"] == []
    assert api[Role.VIEWER].post("/evidence", {"kind": "note", "title": "x", "note": "y"}
                                 ).status_code == 403  # fmt: skip
    assert api[Role.CONTRIBUTOR].send("DELETE", f"/evidence/{link['id']}").status_code == 403
    assert manager.send("DELETE", f"/evidence/{link['id']}").status_code == 204
    assert manager.get(f"/evidence/{link['id']}").status_code == 404


def test_upload_download_and_abuse(api, org_a, media):
    contributor = api[Role.CONTRIBUTOR]
    created = ok(contributor.upload({
        "title": "Restore log", "controls": "A.8.13", "valid_until": "2099-12-31",
        "file": SimpleUploadedFile("restore-ü.pdf", PDF, content_type="text/html"),
    }), 201)  # fmt: skip
    assert created["file_type"] == "application/pdf" and created["file_size"] == len(PDF)
    assert created["file_name"] == "restore-ü.pdf" and len(created["file_sha256"]) == 64
    url = f"/evidence/{created['id']}/download"
    response = contributor.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''restore-%C3%BC.pdf" in response["Content-Disposition"]
    assert api[Role.VIEWER].get(url).status_code == 403
    assert api[Role.AUDITOR].get(url).status_code == 200
    for name, data, message in (
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, "program or script"),
        ("page.pdf", b"<html><script>x()</script></html>", "HTML or SVG"),
        ("logo.svg", b"<svg onload='x()'/>", "not a file type"),
        ("empty.pdf", b"", "empty"),
    ):
        response = contributor.upload({"title": "x", "file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400 and message in detail(response), name
    response = contributor.upload({"title": "no file"})
    assert response.status_code == 400 and "multipart field" in detail(response)
    with org_context(org_a):
        assert Evidence.objects.count() == 1
    assert len(stored(media)) == 1


def test_download_from_another_organisation_is_404(api, members_b, org_b, media):
    created = ok(api[Role.CONTRIBUTOR].upload(
        {"title": "A secret", "file": SimpleUploadedFile("a.pdf", PDF)}), 201)  # fmt: skip
    b_api = Api(issue_token(members_b[Role.OWNER], org_b, "tests")[1])
    assert b_api.get(f"/evidence/{created['id']}/download").status_code == 404
    assert b_api.get(f"/evidence/{created['id']}").status_code == 404


def test_evidence_requests(api):
    manager, contributor = api[Role.ISMS_MANAGER], api[Role.CONTRIBUTOR]
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    req = ok(manager.post("/evidence-requests", {
        "control": "A.8.13", "requested_from": "a-contributor", "due_on": due,
        "description": "Last restore test",
    }), 201)  # fmt: skip
    assert req["status"] == "open" and req["overdue"] is False and req["control"] == "A.8.13"
    refused = manager.post("/evidence-requests", {"control": "A.99.1", "due_on": due})
    assert refused.status_code == 400 and "No control" in detail(refused)
    refused = manager.post("/evidence-requests", {"control": "A.8.13", "due_on": due})
    assert refused.status_code == 400  # no owner to default to
    assert contributor.post("/evidence-requests", {"control": "A.8.13", "due_on": due}
                            ).status_code == 403  # fmt: skip
    mine = ok(contributor.get("/evidence-requests", show="mine"))
    assert [r["id"] for r in mine["items"]] == [req["id"]]
    note = ok(
        contributor.post("/evidence", {"kind": "note", "title": "Restore", "note": "OK"}), 201
    )
    assert (
        api[Role.OWNER]
        .post(f"/evidence-requests/{req['id']}/fulfil", {"evidence": note["ref"]})
        .status_code
        == 200
    )  # manager role
    done = ok(manager.get("/evidence-requests", show="closed"))["items"][0]
    assert done["status"] == "fulfilled" and done["evidence"] == note["ref"]
    assert ok(contributor.get(f"/evidence/{note['id']}"))["controls"] == ["A.8.13"]
    again = contributor.post(f"/evidence-requests/{req['id']}/fulfil", {"evidence": note["ref"]})
    assert again.status_code == 400 and "already fulfilled" in detail(again)
    other = ok(manager.post("/evidence-requests", {
        "control": "A.5.1", "requested_from": "a-owner", "due_on": due}), 201)  # fmt: skip
    assert contributor.post(f"/evidence-requests/{other['id']}/fulfil",
                            {"evidence": note["ref"]}).status_code == 403  # fmt: skip
    assert contributor.post(f"/evidence-requests/{other['id']}/cancel").status_code == 403
    assert ok(manager.post(f"/evidence-requests/{other['id']}/cancel"))["status"] == "cancelled"
