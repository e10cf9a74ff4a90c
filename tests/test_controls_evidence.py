"""Evidence services: accepted files by content, every kind of upload abuse refused with a clear
message and nothing left behind (no row, no file), the rules of links and notes, links to
controls and risks, deletion removing the stored file, and the evidence-request lifecycle."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from openisms.controls.models import Control, Evidence, EvidenceRequest, RequestStatus
from openisms.controls.services import evidence as svc
from openisms.controls.services import requests as rq
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.uploads import DOCX, ODS, ODT, XLSX, FileRefused
from tests.conftest import person_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX_BYTES = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<wb/>"})
ODT_BYTES = office({"mimetype": ODT.encode(), "content.xml": b"<office/>"})
ODS_BYTES = office({"mimetype": ODS.encode(), "content.xml": b"<office/>"})
ZIP_BYTES = office({"secrets/passwords.txt": b"hunter2"})


def use_media(settings, tmp_path):
    """Store files under a fresh directory, so that a test can see everything left behind."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def media(settings, tmp_path):
    return use_media(settings, tmp_path)


def stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def org(org_a, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        ensure_controls()
        yield org_a


def new_file(name: str, data: bytes, user=None, **extra) -> Evidence:
    return svc.create_evidence(
        {"kind": "file", "title": "Backup report", **extra}, ContentFile(data, name=name), user=user
    )


ACCEPTED = [
    ("report.pdf", PDF, "application/pdf"),
    ("screen.png", PNG, "image/png"),
    ("photo.JPG", JPEG, "image/jpeg"),
    ("policy.docx", DOCX_BYTES, DOCX),
    ("register.xlsx", XLSX_BYTES, XLSX),
    ("minutes.odt", ODT_BYTES, ODT),
    ("sheet.ods", ODS_BYTES, ODS),
    ("log.txt", "Restore OK, café ☕\n".encode(), "text/plain; charset=utf-8"),
    ("users.csv", b"user,last_login\nalice,2026-01-02\n", "text/csv; charset=utf-8"),
]


@pytest.mark.parametrize("name, data, mime", ACCEPTED)
def test_accepted_files_are_stored_under_the_evidence_id(org, members_a, media, name, data, mime):
    ev = new_file(name, data, user=members_a[Role.CONTRIBUTOR])
    ev.refresh_from_db()
    assert ev.ref.startswith("EV-") and ev.kind == "file"
    assert ev.file_name == name and ev.file_type == mime and ev.file_size == len(data)
    assert len(ev.file_sha256) == 64
    assert ev.file.name == f"evidence/{org.pk}/{ev.pk}.bin"  # never the user's name
    assert ev.owner.user == members_a[Role.CONTRIBUTOR] == ev.uploaded_by
    assert [p.read_bytes() for p in stored(media)] == [data]


ABUSE = [
    ("empty.pdf", b"", "is empty"),
    ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "program or script"),
    ("tool.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "program or script"),
    ("setup.exe", b"MZ\x90\x00", "not a file type that can be attached"),
    ("invoice.pdf", b"<html><script>alert(1)</script></html>", "HTML or SVG"),
    ("page.html", b"<html><body>hi</body></html>", "not a file type that can be attached"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not a file type"),
    (
        "logo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "HTML or SVG",
    ),  # fmt: skip
    ("logo.txt", b'<?xml version="1.0"?><svg onload="alert(1)"/>', "HTML or SVG"),
    ("data.csv", b"a,b\n<script>alert(1)</script>,2\n", "HTML, SVG or script"),
    ("archive.docx", ZIP_BYTES, "none of the accepted types"),
    ("archive.pdf", ZIP_BYTES, "none of the accepted types"),
    ("archive.zip", ZIP_BYTES, "not a file type that can be attached"),
    ("report.pdf", PNG, "its content is a PNG image"),
    ("../../etc/passwd.txt", b"root:x:0:0\n", "contains a folder"),
    ("..\\..\\evil.pdf", PDF, "contains a folder"),
    ("/etc/cron.d/job.txt", b"* * * * * root sh\n", "contains a folder"),
    ("evil\u202etxt.pdf", PDF, "control characters"),
]


@pytest.mark.parametrize("name, data, message", ABUSE)
def test_upload_abuse_is_refused_and_leaves_nothing(org, members_a, media, name, data, message):
    with pytest.raises(FileRefused) as exc:
        new_file(name, data, user=members_a[Role.CONTRIBUTOR], controls=["A.5.1"])
    assert message in exc.value.message_dict["file"][0]
    assert not Evidence.objects.exists()
    assert stored(media) == []


def test_oversized_file_is_refused_against_the_configured_limit(org, media, settings):
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    with pytest.raises(FileRefused) as exc:
        new_file("big.pdf", PDF + b"\x00" * (2 * 1024 * 1024))
    assert "the limit is 2 MB" in exc.value.message_dict["file"][0]
    assert not Evidence.objects.exists() and stored(media) == []
    del settings.EVIDENCE_MAX_BYTES
    assert svc.max_bytes() == 25 * 1024 * 1024


def test_a_failure_after_storing_removes_the_file(org, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", boom)
    with pytest.raises(RuntimeError):
        new_file("report.pdf", PDF)
    assert stored(media) == []


def test_links_must_be_http_and_notes_need_text(org):
    for url in ("javascript:alert(1)", "ftp://files.example.test/x", "data:text/html,x", ""):
        with pytest.raises(ValidationError) as exc:
            svc.create_evidence({"kind": "link", "title": "Dashboard", "url": url})
        assert "url" in exc.value.message_dict
    link = svc.create_evidence(
        {"kind": "link", "title": "Ticket", "url": "https://tickets.example.test/42"}
    )
    assert link.url.startswith("https://")
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({"kind": "note", "title": "Walkthrough", "note": "  "})
    assert "needs its text" in exc.value.message_dict["note"][0]
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({"kind": "note", "title": "", "note": "x"})
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({"kind": "video", "title": "x"})
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({"kind": "file", "title": "x"})
    assert "file" in exc.value.message_dict


def test_validity_and_links_to_controls_and_risks(org, org_b, members_a, members_b):
    from openisms.risk.services.risks import create_risk

    risk = create_risk({"title": "Ransomware"})
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({
            "kind": "note", "title": "x", "note": "y",
            "collected_on": dt.date(2026, 5, 1), "valid_until": dt.date(2026, 4, 1),
        })  # fmt: skip
    assert "cannot end before" in exc.value.message_dict["valid_until"][0]
    with pytest.raises(ValidationError) as exc:
        svc.create_evidence({"kind": "note", "title": "x", "note": "y", "controls": ["A.99.9"]})
    assert "No control A.99.9" in exc.value.message_dict["controls"][0]
    with org_context(org_b):
        ensure_controls()
        b_control = Control.objects.get(ref="A.5.1")
    with pytest.raises(ValidationError):  # another organisation's control is unknown here
        svc.create_evidence({"kind": "note", "title": "x", "note": "y",
                             "controls": [str(b_control.pk)]})  # fmt: skip
    ev = svc.create_evidence({
        "kind": "note", "title": "Restore test", "note": "Restored the CRM on 2 May.",
        "controls": "A.8.13, A.5.30", "risks": [risk.ref], "owner": members_a[Role.CONTRIBUTOR],
        "valid_until": timezone.localdate() + dt.timedelta(days=90),
    })  # fmt: skip
    assert sorted(ev.controls.values_list("ref", flat=True)) == ["A.5.30", "A.8.13"]
    assert list(ev.risks.all()) == [risk]
    svc.update_evidence(ev, {"controls": [], "title": "Restore test May", "kind": "file"})
    ev.refresh_from_db()
    assert ev.kind == "note" and ev.title == "Restore test May" and not ev.controls.exists()
    with pytest.raises(ValidationError) as exc:  # owners are members of the organisation
        svc.create_evidence(
            {"kind": "note", "title": "x", "note": "y", "owner": members_b[Role.OWNER]}
        )
    assert "not a member" in exc.value.message_dict["owner"][0]


def test_delete_hides_the_row_and_the_purge_removes_the_stored_file(
    org, media, django_capture_on_commit_callbacks
):
    import datetime as dt

    from openisms.core.services.deletion import purge_expired

    ev = new_file("report.pdf", PDF, controls=["A.5.1"])
    assert len(stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        svc.delete_evidence(ev)
    # Soft-deleted: restorable with its file and links for 30 days.
    assert not Evidence.objects.exists() and len(stored(media)) == 1
    assert Evidence.with_deleted.get().controls.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        purge_expired(timezone.now() + dt.timedelta(days=31))
    assert not Evidence.unscoped.exists() and stored(media) == []


def test_request_lifecycle_and_overdue(org, members_a):
    manager, contributor = members_a[Role.ISMS_MANAGER], members_a[Role.CONTRIBUTOR]
    other = members_a[Role.OWNER]
    control = Control.objects.get(ref="A.8.13")
    with pytest.raises(ValidationError) as exc:
        rq.create_request({"control": control, "requested_from": contributor,
                           "due_on": timezone.localdate() - dt.timedelta(days=1)})  # fmt: skip
    assert "past" in exc.value.message_dict["due_on"][0]
    with pytest.raises(ValidationError) as exc:
        rq.create_request({"control": control, "due_on": timezone.localdate()})
    assert "requested_from" in exc.value.message_dict  # no owner to default to
    req = rq.create_request(
        {"control": control, "requested_from": contributor, "description": "Restore log",
         "due_on": timezone.localdate() + dt.timedelta(days=3)}, user=manager,
    )  # fmt: skip
    assert not req.is_overdue and list(rq.overdue()) == []
    EvidenceRequest.objects.filter(pk=req.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    req.refresh_from_db()
    assert req.is_overdue
    assert list(rq.overdue()) == [req] and list(rq.overdue(contributor)) == [req]
    assert list(rq.overdue(other)) == []
    assert list(rq.request_list("mine", contributor)) == [req]

    ev = svc.create_evidence({"kind": "note", "title": "Restore log", "note": "OK"})
    with pytest.raises(PermissionDenied):
        rq.fulfil_request(req, ev, user=other, is_manager=False)
    rq.fulfil_request(req, ev, user=contributor, is_manager=False)
    req.refresh_from_db()
    assert req.status == RequestStatus.FULFILLED and req.evidence == ev and req.closed_at
    assert list(ev.controls.all()) == [control]  # fulfilling links the evidence to the control
    assert list(rq.overdue()) == [] and list(rq.request_list("closed")) == [req]
    with pytest.raises(ValidationError) as exc:
        rq.fulfil_request(req, ev, user=manager, is_manager=True)
    assert "already fulfilled" in exc.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        rq.cancel_request(req)

    control.owner = person_of(contributor)
    control.save()
    second = rq.create_request({"control": control, "due_on": timezone.localdate()})
    assert second.requested_from.user == contributor  # defaults to the control's owner
    rq.cancel_request(second)
    assert second.status == RequestStatus.CANCELLED
    third = rq.create_request({"control": control, "due_on": timezone.localdate()})
    rq.fulfil_request(third, ev, user=manager, is_manager=True)  # a manager may fulfil any
    assert third.status == RequestStatus.FULFILLED
