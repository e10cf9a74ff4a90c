"""Evidence pages: upload through the form (and abuse refused there with nothing left), the
authorised download (viewer 403, another organisation 404, headers), requests, the dashboard
panel, the control page's include, and flat query counts for the evidence list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from openisms.controls.models import Control, Evidence, EvidenceRequest, RequestStatus
from openisms.controls.services import evidence as svc
from openisms.controls.services import requests as rq
from openisms.controls.services.setup import ensure_controls
from openisms.core.access import find_access
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from tests.conftest import login, person_of
from tests.test_controls_evidence import PDF, stored, use_media

pytestmark = pytest.mark.django_db
BASE = "/o/alpha/controls"


@pytest.fixture
def media(settings, tmp_path):
    return use_media(settings, tmp_path)


def add_file(org, user, name="Prüfbericht Backup.pdf", data=PDF) -> Evidence:
    with org_context(org), acting_as(user):
        ensure_controls()
        return svc.create_evidence(
            {"kind": "file", "title": "Backup report", "controls": ["A.8.13"]},
            ContentFile(data, name=name), user=user,
        )  # fmt: skip


def test_pages_render_for_every_role(org_a, members_a, media):
    ev = add_file(org_a, members_a[Role.CONTRIBUTOR])
    for role, user in members_a.items():
        client = login(user)
        filtered = f"{BASE}/evidence/?kind=file&control=A.8.13&validity=valid&q=backup"
        for url in (f"{BASE}/evidence/", f"{BASE}/evidence/{ev.pk}/", filtered,
                    f"{BASE}/evidence-requests/", f"{BASE}/evidence-requests/mine/"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, (role, url)
        detail = client.get(f"{BASE}/evidence/{ev.pk}/").content.decode()
        assert ev.file_sha256 in detail
        assert ("/download/" in detail) == (role != Role.VIEWER)


def test_upload_through_the_form(org_a, members_a, media):
    client = login(members_a[Role.CONTRIBUTOR])
    assert client.get(f"{BASE}/evidence/new/file/?control=A.8.13").status_code == 200
    response = client.post(
        f"{BASE}/evidence/new/file/",
        {"title": "Restore log", "controls": "A.8.13", "collected_on": "2026-05-01",
         "valid_until": "2027-05-01", "file": SimpleUploadedFile("restore.pdf", PDF)},
    )  # fmt: skip
    assert response.status_code == 302
    with org_context(org_a):
        ev = Evidence.objects.get()
        assert ev.file_name == "restore.pdf" and list(
            ev.controls.values_list("ref", flat=True)
        ) == ["A.8.13"]
    assert len(stored(media)) == 1
    link = client.post(f"{BASE}/evidence/new/link/", {"title": "x", "url": "javascript:alert(1)"})
    assert link.status_code == 200 and "https://" in link.content.decode()
    note = client.post(f"{BASE}/evidence/new/note/", {"title": "Walkthrough", "note": "Seen."})
    assert note.status_code == 302
    assert login(members_a[Role.VIEWER]).get(f"{BASE}/evidence/new/file/").status_code == 403


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, "program or script"),
        ("page.pdf", b"<!DOCTYPE html><html><script>x()</script>", "HTML or SVG"),
        ("page.html", b"<html></html>", "not a file type"),
        ("logo.svg", b"<svg onload='x()'/>", "not a file type"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_abuse_through_the_form_shows_why_and_stores_nothing(org_a, members_a, media, name,
                                                             data, message):  # fmt: skip
    client = login(members_a[Role.CONTRIBUTOR])
    response = client.post(
        f"{BASE}/evidence/new/file/", {"title": "x", "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    with org_context(org_a):
        assert not Evidence.objects.exists()
    assert stored(media) == []


def test_download_is_authorised_and_an_attachment(org_a, members_a, members_b, media):
    ev = add_file(org_a, members_a[Role.CONTRIBUTOR])
    url = f"{BASE}/evidence/{ev.pk}/download/"
    response = login(members_a[Role.CONTRIBUTOR]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Pr%C3%BCfbericht%20Backup.pdf" in disposition
    for role in (Role.AUDITOR, Role.APPROVER, Role.ISMS_MANAGER, Role.OWNER):
        assert login(members_a[role]).get(url).status_code == 200, role
    assert login(members_a[Role.VIEWER]).get(url).status_code == 403
    for user in members_b.values():  # another organisation: not found, whatever the role
        assert login(user).get(url).status_code == 404
        assert login(user).get(f"/o/bravo/controls/evidence/{ev.pk}/download/").status_code == 404


def test_request_pages_lifecycle(org_a, members_a, media):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    with org_context(org_a):
        ensure_controls()
        control = Control.objects.get(ref="A.8.13")
    client = login(manager)
    assert client.get(f"{BASE}/evidence-requests/new/").status_code == 200
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client.post(
        f"{BASE}/evidence-requests/new/",
        {"control": control.pk, "requested_from": person_of(contributor).pk, "due_on": due,
         "next": f"{BASE}/evidence-requests/?show=open"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("?show=open")
    with org_context(org_a):
        req = EvidenceRequest.objects.get()
    assert login(contributor).post(f"{BASE}/evidence-requests/new/").status_code == 403
    mine = login(contributor).get(f"{BASE}/evidence-requests/mine/").content.decode()
    assert "A.8.13" in mine and "Attach evidence" in mine
    response = login(contributor).post(
        f"{BASE}/evidence/new/note/",
        {"title": "Restore", "note": "Done", "request": str(req.pk)},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == RequestStatus.FULFILLED
    with org_context(org_a):
        assert list(req.evidence.controls.all()) == [control]
        other = rq.create_request(
            {"control": control, "requested_from": contributor, "due_on": timezone.localdate()}
        )
    assert client.post(f"{BASE}/evidence-requests/{other.pk}/cancel/").status_code == 302
    other.refresh_from_db()
    assert other.status == RequestStatus.CANCELLED


def test_dashboard_panel_shows_overdue_requests_and_expired_evidence(org_a, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    with org_context(org_a), acting_as(manager):
        ensure_controls()
        control = Control.objects.get(ref="A.5.15")
        req = rq.create_request(
            {"control": control, "requested_from": contributor, "due_on": timezone.localdate()}
        )
        EvidenceRequest.objects.filter(pk=req.pk).update(due_on=dt.date(2020, 1, 1))
        svc.create_evidence({"kind": "note", "title": "Old access review", "note": "x",
                             "collected_on": dt.date(2020, 1, 1),
                             "valid_until": dt.date(2021, 1, 1)})  # fmt: skip
    for user in (manager, contributor):
        page = login(user).get("/o/alpha/").content.decode()
        assert "evidence request overdue" in page and "Old access review" in page
    page = login(members_a[Role.AUDITOR]).get("/o/alpha/").content.decode()
    # Only one's own overdue requests for those who do not manage them: none for the auditor.
    assert "Old access review" in page and "evidence request overdue" not in page


def test_control_include_lists_evidence_and_requests(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    with org_context(org_a), acting_as(manager):
        ensure_controls()
        control = Control.objects.get(ref="A.8.13")
        svc.create_evidence({"kind": "link", "title": "Backup dashboard", "controls": ["A.8.13"],
                             "url": "https://backup.example.test"})  # fmt: skip
        rq.create_request({"control": control, "requested_from": manager,
                           "due_on": timezone.localdate()})  # fmt: skip
        request = RequestFactory().get("/o/alpha/controls/x/")
        request.user = manager
        access = find_access(manager, "alpha")
        html = render_to_string(
            "controls/evidence_for_control.html",
            {"control": control, "org": org_a, "access": access},
            request=request,
        )
    assert "Backup dashboard" in html and "Request evidence" in html and "Asked of" in html


def _many(org, owner, n: int) -> None:
    with org_context(org), acting_as(owner):
        ensure_controls()
        controls = list(Control.objects.all()[:3])
        start = Evidence.objects.count()
        rows = Evidence.objects.bulk_create(
            [
                Evidence(organisation=org, ref=f"EV-{start + i:05d}", title=f"Evidence {i}",
                         kind="note", note="x", owner=person_of(owner),
                         valid_until=dt.date(2020, 1, 1) if i % 2 else None)
                for i in range(n)
            ]
        )  # fmt: skip
        Evidence.controls.through.objects.bulk_create(
            [
                Evidence.controls.through(evidence_id=e.pk, control_id=c.pk)
                for e in rows
                for c in controls
            ]
        )


def test_evidence_list_queries_do_not_grow(org_a, members_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(members_a[Role.ISMS_MANAGER])
    _many(org_a, members_a[Role.ISMS_MANAGER], 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{BASE}/evidence/").status_code == 200
    _many(org_a, members_a[Role.ISMS_MANAGER], 490)
    with django_assert_max_num_queries(len(few)):
        response = client.get(f"{BASE}/evidence/?validity=expired&control=A.5.1")
        assert response.status_code == 200
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"{BASE}/evidence/?page=3").status_code == 200


def test_control_page_shows_the_evidence_section(org_a, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        ensure_controls()
        control = Control.objects.get(ref="A.8.13")
        svc.create_evidence(
            {"kind": "note", "title": "Restore walkthrough", "note": "x", "controls": ["A.8.13"]}
        )
    for role in (Role.ISMS_MANAGER, Role.VIEWER):
        page = login(members_a[role]).get(f"{BASE}/{control.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Restore walkthrough" in html
        assert ("Request evidence" in html) == (role == Role.ISMS_MANAGER)


def test_fulfilling_someone_elses_request_stores_nothing(org_a, members_a, media):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    with org_context(org_a), acting_as(manager):
        ensure_controls()
        control = Control.objects.get(ref="A.8.13")
        req = rq.create_request(
            {"control": control, "requested_from": manager, "due_on": timezone.localdate()}
        )
    response = login(contributor).post(
        f"{BASE}/evidence/new/file/",
        {"title": "x", "request": str(req.pk), "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    with org_context(org_a):
        assert not Evidence.objects.exists()
    assert stored(media) == []
