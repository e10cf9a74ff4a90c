"""Files attached to versions: the accepted types by content, every kind of abuse refused with a
clear message and nothing stored, the stored name never the user's, downloads only as
attachments, and never across organisations."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from openisms.core.context import org_context
from openisms.core.services.tokens import issue_token
from openisms.documents.models import DocumentVersion
from openisms.documents.services import files
from openisms.documents.services.files import MAX_FILE_BYTES, FileRefused
from tests.conftest import login
from tests.test_documents_workflow import M, V, make_document, published_document, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def office(parts: dict[str, bytes], stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(stored_first, parts.pop(stored_first))
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = office(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
    stored_first="mimetype",
)
DOCM = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
               "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


ACCEPTED = [
    ("policy.pdf", PDF, "application/pdf"),
    ("policy.docx", DOCX, files.DOCX),
    ("register.xlsx", XLSX, files.XLSX),
    ("policy.odt", ODT, files.ODT),
    ("diagram.png", PNG, "image/png"),
    ("photo.JPG", JPEG, "image/jpeg"),
    ("notes.txt", "Plain text, café ☕\n".encode(), "text/plain; charset=utf-8"),
    ("readme.md", b"# Heading\n\nText.\n", "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize("name, data, mime", ACCEPTED)
def test_accepted_types_are_stored_under_the_versions_id(org_a, members_a, media, name, data, mime):
    with org_context(org_a):
        doc = make_document(members_a)
        version = files.attach_file(doc.latest_version, upload(name, data, "text/html"))
        version.refresh_from_db()
        assert version.file_name == name and version.file_type == mime
        assert version.file_size == len(data) and len(version.file_sha256) == 64
        assert version.file.name == (
            f"documents/{org_a.pk}/{doc.pk}/{version.pk}.bin"
        )  # never the user's name
        assert [p.read_bytes() for p in stored(media)] == [data]


ABUSE = [
    ("big.pdf", PDF + b"\x00" * (MAX_FILE_BYTES + 1 - len(PDF)), "limit is 20 MB"),
    ("empty.pdf", b"", "is empty"),
    ("invoice.pdf", b"<html><script>alert(1)</script></html>", "HTML or SVG"),
    ("page.html", b"<html><body>hi</body></html>", "not a file type that can be attached"),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "not a file type that can be attached",
    ),  # fmt: skip
    ("logo.txt", b'<?xml version="1.0"?><svg onload="alert(1)"/>', "HTML or SVG"),
    ("notes.txt", b"Dear all,\n<script>alert(1)</script>\n", "HTML, SVG or script"),
    ("image.png", PDF, "its content is a PDF document"),
    ("report.pdf", PNG, "its content is a PNG image"),
    ("letter.docx", XLSX, "its content is an Excel workbook"),
    ("letter.docx", b"PK\x03\x04 not really a zip", "none of the accepted types"),
    ("macro.docx", DOCM, "contains macros"),
    ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "program or script"),
    ("tool.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "program or script"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "program or script"),
    ("binary.txt", b"abc\x00\x01\x02def", "none of the accepted types"),
    ("latin1.txt", "caf\xe9".encode("latin-1"), "none of the accepted types"),
    ("../../etc/passwd.txt", b"root:x:0:0\n", "contains a folder"),
    ("..\\..\\evil.pdf", PDF, "contains a folder"),
    ("sub/dir.pdf", PDF, "contains a folder"),
    (".htaccess.txt", b"Deny from all\n", "contains a folder"),
    ("evil\u202etxt.pdf", PDF, "control characters"),
    ("program.exe", b"MZ\x90\x00", "not a file type that can be attached"),
    ("noextension", PDF, "not a file type that can be attached"),
]


@pytest.mark.parametrize("name, data, message", ABUSE)
def test_abuse_is_refused_clearly_and_nothing_is_stored(org_a, members_a, media, name, data,
                                                        message):  # fmt: skip
    with org_context(org_a):
        doc = make_document(members_a)
        version = doc.latest_version
        # ContentFile keeps the name as given (Django's upload handler would cut it to its
        # last part already): the service refuses such names itself.
        with pytest.raises(FileRefused) as exc:
            files.attach_file(version, ContentFile(data, name=name))
        assert message in exc.value.message_dict["file"][0]
        version.refresh_from_db()
        assert not version.file and not version.file_sha256 and not version.file_name
    assert stored(media) == []


def test_only_a_draft_takes_a_file(org_a, members_a, media):
    with org_context(org_a):
        doc = make_document(members_a)
        submit(doc.latest_version, members_a[M])
        with pytest.raises(Exception, match="only a draft can be edited"):
            files.attach_file(doc.latest_version, upload("a.pdf", PDF))
    assert stored(media) == []


def test_replacing_and_sharing_files_between_versions(
    org_a, members_a, media, django_capture_on_commit_callbacks
):
    from openisms.core.context import acting_as
    from openisms.documents.services import versions

    with org_context(org_a):
        doc = make_document(members_a)
        v1 = doc.latest_version
        with django_capture_on_commit_callbacks(execute=True):
            files.attach_file(v1, upload("one.pdf", PDF))
            files.attach_file(v1, upload("two.pdf", PDF + b"%2"))
        assert [p.read_bytes() for p in stored(media)] == [PDF + b"%2"]  # the first is dropped
        submit(v1, members_a[M])
        from tests.test_documents_workflow import approve, publish

        approve(v1, members_a["approver"])
        publish(v1, members_a[M])
        with acting_as(members_a[M]):
            v2 = versions.new_version(doc, user=members_a[M])
        assert (
            v2.file.name == v1.file.name
            and v2.file_sha256 == DocumentVersion.objects.get(pk=v1.pk).file_sha256
        )
        with django_capture_on_commit_callbacks(execute=True):
            files.attach_file(v2, upload("three.pdf", PDF + b"%3"))
        # v1's file stays: it belongs to the published version.
        assert sorted(p.read_bytes() for p in stored(media)) == [PDF + b"%2", PDF + b"%3"]
        with django_capture_on_commit_callbacks(execute=True):
            files.remove_file(v2)
        assert [p.read_bytes() for p in stored(media)] == [PDF + b"%2"]


def test_upload_through_the_edit_page_and_download_as_attachment(org_a, members_a, media):
    with org_context(org_a):
        doc = make_document(members_a)
        version = doc.latest_version
    client = login(members_a[M])
    url = f"/o/alpha/documents/versions/{version.pk}/edit/"
    refused = client.post(url, {"content": "Changed text", "file": upload("x.pdf", b"<html>")})
    assert refused.status_code == 200 and "HTML or SVG" in refused.content.decode()
    version.refresh_from_db()
    assert version.content != "Changed text" and stored(media) == []  # all or nothing
    saved = client.post(url, {"content": "Text", "change_summary": "Scan",
                              "file": upload("Signed policy.pdf", PDF)})  # fmt: skip
    assert saved.status_code == 302
    response = login(members_a[V]).get(f"/o/alpha/documents/versions/{version.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="Signed policy.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_text_files_download_as_plain_text_attachments(org_a, members_a, media):
    with org_context(org_a):
        doc = make_document(members_a)
        files.attach_file(doc.latest_version, upload("notes.md", b"# Notes\n"))
    response = login(members_a[V]).get(f"/o/alpha/documents/versions/{doc.latest_version.pk}/file/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")


def test_download_is_refused_for_another_organisation(org_a, org_b, members_a, members_b, media):
    with org_context(org_b):
        b_doc = make_document(members_b)
        files.attach_file(b_doc.latest_version, upload("secret.pdf", PDF))
    b_version = b_doc.latest_version.pk
    a_owner = login(members_a["owner"])
    assert a_owner.get(f"/o/alpha/documents/versions/{b_version}/file/").status_code == 404
    assert a_owner.get(f"/o/bravo/documents/versions/{b_version}/file/").status_code == 404
    _, token = issue_token(members_a["owner"], org_a, "t")
    api = a_owner.get(
        f"/api/v1/documents/versions/{b_version}/file",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 404
    assert (
        login(members_b["viewer"]).get(f"/o/bravo/documents/versions/{b_version}/file/").status_code
        == 200
    )


def test_no_file_is_404_and_the_api_upload_checks_the_same_way(
    org_a, members_a, media, django_capture_on_commit_callbacks
):
    with org_context(org_a):
        doc, version = published_document(members_a)
        draft = make_document(members_a).latest_version
    client = login(members_a[M])
    assert client.get(f"/o/alpha/documents/versions/{version.pk}/file/").status_code == 404
    _, token = issue_token(members_a[M], org_a, "t")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/documents/versions/{draft.pk}/file"
    bad = client.post(url, {"file": upload("x.png", PDF)}, headers=headers)
    assert bad.status_code == 400 and "PDF document" in bad.json()["detail"]["file"][0]
    missing = client.post(url, {}, headers=headers)
    assert missing.status_code == 400 and "multipart" in missing.json()["detail"]["file"][0]
    good = client.post(url, {"file": upload("x.png", PNG)}, headers=headers)
    assert good.status_code == 200 and good.json()["file"]["type"] == "image/png"
    down = client.get(url, headers=headers)
    assert down.status_code == 200 and down["X-Content-Type-Options"] == "nosniff"
    assert down["Content-Disposition"].startswith("attachment;")
    published = f"/api/v1/documents/versions/{version.pk}/file"
    assert (
        client.post(published, {"file": upload("x.png", PNG)}, headers=headers).status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(url, headers=headers).json()["file"] is None
    assert stored(media) == []


def test_a_path_in_an_uploaded_name_never_reaches_storage(org_a, members_a, media):
    with org_context(org_a):
        version = make_document(members_a).latest_version
    client = login(members_a[M])
    client.post(
        f"/o/alpha/documents/versions/{version.pk}/edit/",
        {"content": "x", "file": upload("../../../etc/cron.d/evil.txt", b"hello\n")},
    )
    version.refresh_from_db()
    assert "/" not in version.file_name and ".." not in version.file_name
    assert version.file.name.endswith(f"{version.pk}.bin")
    assert all(p.name == f"{version.pk}.bin" for p in stored(media))
