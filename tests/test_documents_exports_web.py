"""Downloads of document control in the web UI and the API: who may download what."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from openisms.api import api
from openisms.core.access import find_access
from openisms.core.context import org_context
from openisms.core.exports import DOCX_TYPE, PDF_TYPE, XLSX_TYPE
from openisms.core.permissions import Role, can
from openisms.core.services.tokens import issue_token
from tests.conftest import login
from tests.test_documents_exports import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(org_a, members_a):
    """DOC-0001: v1 published, v2 draft. DOC-0002: only a draft."""
    with org_context(org_a):
        policy = make_document(members_a[Role.OWNER], versions=("published", "draft"))
        draft = make_document(members_a[Role.OWNER], title="Draft only", versions=("draft",))
    return policy, draft


def url(document, fmt: str, version: int | None = None, slug: str = "alpha") -> str:
    tail = f"?version={version}" if version is not None else ""
    return f"/o/{slug}/documents/{document.pk}/export.{fmt}{tail}"


def test_download_is_an_attachment_named_after_ref_and_version(members_a, docs):
    policy, _ = docs
    client = login(members_a[Role.ISMS_MANAGER])
    response = client.get(url(policy, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="DOC-0001-v1.docx"'
    assert response["Cache-Control"] == "no-store"
    import docx

    assert docx.Document(io.BytesIO(response.content)).tables[0].rows[1].cells[1].text == (
        "DOC-0001"
    )
    response = client.get(url(policy, "pdf", 2))
    assert response.status_code == 200 and response["Content-Type"] == PDF_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="DOC-0001-v2.pdf"'
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("role", list(Role))
def test_staff_download_what_is_published_and_exporters_everything(members_a, docs, role):
    policy, draft = docs
    client = login(members_a[role])
    assert client.get(url(policy, "pdf")).status_code == 200  # v1, published: anyone who reads
    exporter = can(role, "records.export")
    for target in (url(policy, "pdf", 2), url(draft, "docx")):
        assert client.get(target).status_code == (200 if exporter else 403), (role, target)
    register = client.get("/o/alpha/documents/register.xlsx")
    assert register.status_code == (200 if exporter else 403), role


def test_viewer_is_refused_a_draft(members_a, docs):
    _, draft = docs
    response = login(members_a[Role.VIEWER]).get(url(draft, "pdf"))
    assert response.status_code == 403


def test_other_organisations_documents_are_404(members_a, members_b, org_b, docs):
    policy, _ = docs
    with org_context(org_b):
        foreign = make_document(members_b[Role.OWNER], title="B secret")
    client = login(members_a[Role.OWNER])
    assert client.get(url(foreign, "pdf")).status_code == 404
    assert client.post(url(foreign, "pdf")).status_code == 404
    assert client.get(url(policy, "pdf", slug="bravo")).status_code == 404
    assert client.get("/o/bravo/documents/register.xlsx").status_code == 404


def test_bad_requests(members_a, docs):
    policy, _ = docs
    client = login(members_a[Role.OWNER])
    assert client.get(url(policy, "xlsx")).status_code == 404
    assert client.get(url(policy, "pdf", 9)).status_code == 404
    assert client.get(url(policy, "pdf") + "?version=abc").status_code == 404
    assert client.post(url(policy, "pdf")).status_code == 405
    assert client.post("/o/alpha/documents/register.xlsx").status_code == 405


def test_register_download(members_a, docs):
    import openpyxl

    response = login(members_a[Role.AUDITOR]).get("/o/alpha/documents/register.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith(
        'attachment; filename="alpha-document-register-'
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    refs = [row[0] for row in rows if row and str(row[0]).startswith("DOC-")]
    assert refs == ["DOC-0001", "DOC-0002"]


# --- the includes the document pages use -------------------------------------------------------


def _render(template: str, user, org, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    access = find_access(user, org.slug)
    return render_to_string(template, {"access": access, "org": org, **context}, request)


def test_export_links_follow_the_permissions(members_a, org_a, docs):
    policy, _ = docs
    with org_context(org_a):
        published, draft = policy.published_version, policy.latest_version
    viewer, manager = members_a[Role.VIEWER], members_a[Role.ISMS_MANAGER]
    html = _render("documents/export_links.html", viewer, org_a, document=policy,
                   version=published)  # fmt: skip
    assert url(policy, "docx", 1) in html and url(policy, "pdf", 1) in html
    assert _render("documents/export_links.html", viewer, org_a, document=policy,
                   version=draft).strip() == ""  # fmt: skip
    assert url(policy, "pdf", 2) in _render(
        "documents/export_links.html", manager, org_a, document=policy, version=draft
    )
    link = "/o/alpha/documents/register.xlsx"
    assert link in _render("documents/export_register_link.html", manager, org_a)
    assert link not in _render("documents/export_register_link.html", viewer, org_a)


# --- API --------------------------------------------------------------------------------------


def _api(user, org) -> Client:
    _, raw = issue_token(user, org, "exports")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_api_downloads(members_a, org_a, docs):
    policy, draft = docs
    client = _api(members_a[Role.AUDITOR], org_a)
    response = client.get(f"/api/v1/documents/{policy.pk}/export?format=docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="DOC-0001-v1.docx"'
    response = client.get(f"/api/v1/documents/{policy.pk}/export?format=pdf&version=2")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    response = client.get(f"/api/v1/documents/{policy.pk}/export")
    assert response["Content-Type"] == PDF_TYPE  # the default format
    response = client.get("/api/v1/documents/register.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    missing = client.get(f"/api/v1/documents/{policy.pk}/export?version=5")
    assert missing.status_code == 404
    assert "DOC-0001 has no version 5" in missing.json()["detail"]
    assert client.get(f"/api/v1/documents/{policy.pk}/export?format=rtf").status_code == 422


def test_api_permissions_and_isolation(members_a, members_b, org_a, org_b, docs):
    policy, draft = docs
    viewer = _api(members_a[Role.VIEWER], org_a)
    assert viewer.get(f"/api/v1/documents/{policy.pk}/export").status_code == 200
    assert viewer.get(f"/api/v1/documents/{draft.pk}/export").status_code == 403
    assert viewer.get(f"/api/v1/documents/{policy.pk}/export?version=2").status_code == 403
    assert viewer.get("/api/v1/documents/register.xlsx").status_code == 403
    other = _api(members_b[Role.OWNER], org_b)
    assert other.get(f"/api/v1/documents/{policy.pk}/export").status_code == 404
    assert Client().get("/api/v1/documents/register.xlsx").status_code == 401


def test_openapi_declares_the_files():
    paths = api.get_openapi_schema()["paths"]
    document = paths["/api/v1/documents/{document_id}/export"]["get"]["responses"]
    assert set(document[200]["content"]) == {DOCX_TYPE, PDF_TYPE}
    assert document[200]["content"][PDF_TYPE]["schema"] == {"type": "string", "format": "binary"}
    assert {403, 404} <= set(document)
    register = paths["/api/v1/documents/register.xlsx"]["get"]["responses"]
    assert set(register[200]["content"]) == {XLSX_TYPE}
