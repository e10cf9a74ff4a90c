"""Exports of document control: DOCX and PDF of a version, the register as XLSX, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
import zlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.controls.models import Control
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import org_context, require_org
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.documents import exports, policy_templates
from openisms.documents.models import Acknowledgement, Document, DocumentVersion
from openisms.risk.models import ClassificationLevel
from tests.conftest import person_of

pytestmark = pytest.mark.django_db

CONTENT = """# Access control policy

## 1. Purpose

Access is **granted** on *need to know*.

- first bullet
- second bullet

1. numbered rule
2. another rule

| Level | Meaning |
|---|---|
| Public | anyone |

```
code sample
```
"""


def make_document(owner, title="Access control policy", versions=("published",), *,
                  content=CONTENT, approver=None, next_review=None, kind="topic_policy",
                  classification=True, controls=()):  # fmt: skip
    """A document with one version per status given, oldest first (run inside org_context)."""
    org = require_org()
    document = Document.objects.create(
        ref=next_ref(org, "DOC"),
        title=title,
        kind=kind,
        owner=person_of(owner),
        reviewer=person_of(owner),
        approver=approver,
        classification=ClassificationLevel.objects.order_by("-order").first()
        if classification
        else None,
        review_months=12,
        next_review=next_review,
    )
    if controls:
        ensure_controls()
        document.controls.set(Control.objects.filter(ref__in=controls))
    now = timezone.now()
    for number, status in enumerate(versions, start=1):
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            status=status,
            change_summary=f"change {number}",
            content=content,
            author=owner,
            approved_by=approver if status in ("approved", "published", "superseded") else None,
            approved_at=now if status in ("approved", "published", "superseded") else None,
            published_at=now if status in ("published", "superseded") else None,
        )
        document.latest_version = version
        if status == "published":
            document.published_version = version
            document.status = "published"
        else:
            document.status = {"superseded": "published"}.get(status, status)
    document.save()
    return document


@pytest.fixture
def owner(members_a):
    user = members_a[Role.OWNER]
    user.first_name, user.last_name = "Olive", "Owner"
    user.save()
    return user


def _docx_text(content: bytes) -> tuple[list, str]:
    import docx

    doc = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return doc, "\n".join([p.text for p in doc.paragraphs] + cells)


# --- DOCX -------------------------------------------------------------------------------------


def test_docx_has_the_control_block_the_content_and_the_history(org_a, owner, members_a):
    approver = members_a[Role.APPROVER]
    with org_context(org_a):
        document = make_document(
            owner, versions=("superseded", "published"), approver=approver,
            next_review=dt.date(2031, 5, 1), controls=("A.5.15", "A.8.5"),
        )  # fmt: skip
        version = exports.pick_version(document)
        content = exports.render_document(document, version, "docx")
    doc, text = _docx_text(content)
    facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert facts["Organisation"] == "Alpha Ltd"
    assert facts["Reference"] == document.ref == "DOC-0001"
    assert facts["Title"] == "Access control policy"
    assert facts["Document type"] == "Topic-specific policy"
    assert facts["Version"] == "v2 (Published)"
    assert facts["Owner"] == "Olive Owner"
    assert facts["Reviewer"] == "Olive Owner"
    assert facts["Approver"] == approver.username
    assert facts["Approved"] == f"{timezone.localdate().isoformat()} by {approver.username}"
    assert facts["Published"] == timezone.localdate().isoformat()
    assert facts["Classification"] == document.classification.name
    assert facts["Review cycle"] == "Every 12 months"
    assert facts["Next review"] == "2031-05-01"
    assert facts["Change summary"] == "change 2"
    assert facts["Controls"] == "A.5.15, A.8.5"
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    assert ("Heading 1", "Access control policy") in headings
    assert ("Heading 2", "1. Purpose") in headings
    assert ("Heading 1", "Version history") in headings
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["first bullet", "second bullet"]
    assert "1.\tnumbered rule" in text and "2.\tanother rule" in text
    assert "Public" in text and "anyone" in text and "code sample" in text
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "granted" in bold
    history = doc.tables[-1]
    assert [c.text for c in history.rows[0].cells][:3] == ["Version", "Status", "Change summary"]
    assert [row.cells[0].text for row in history.rows[1:]] == ["v1", "v2"]
    header = doc.sections[0].header.paragraphs[0].text
    assert header == f"DOC-0001 v2 · {document.classification.name}"
    footer = zipfile.ZipFile(io.BytesIO(content)).read("word/footer1.xml").decode()
    assert 'w:instr="PAGE"' in footer and "DOC-0001 v2" in footer


def test_docx_of_a_file_version_names_the_file_and_its_checksum(org_a, owner):
    with org_context(org_a):
        document = make_document(owner, versions=("draft",), content="")
        version = document.latest_version
        version.file = "documents/x/y/z.bin"
        version.file_name = "Backup procedure.pdf"
        version.file_type = "application/pdf"
        version.file_sha256 = "ab" * 32
        version.save()
        content = exports.render_document(document, version, "docx")
    _, text = _docx_text(content)
    assert "Backup procedure.pdf" in text and "ab" * 32 in text
    assert "Reference" in text


def test_docx_survives_control_characters_and_hostile_markdown(org_a, owner):
    nasty = "# T\x01itle\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)"
    with org_context(org_a):
        document = make_document(owner, title='=HYPERLINK("x")\x0b', content=nasty)
        content = exports.render_document(document, document.latest_version, "docx")
    _, text = _docx_text(content)
    assert "Title" in text and "<script>alert(1)</script>" in text  # shown as text


def test_every_policy_template_exports(org_a, owner):
    with org_context(org_a):
        for template in policy_templates.all_templates():
            content = policy_templates.render(template.key, "Alpha Ltd", "Everything.")
            document = make_document(owner, title=template.title, content=content)
            doc, _ = _docx_text(exports.render_document(document, document.latest_version, "docx"))
            assert any(p.text == template.title for p in doc.paragraphs)


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_is_a_pdf_with_the_control_block_and_page_furniture(org_a, owner):
    from weasyprint import HTML

    from openisms.documents.exports_pdf import _fetcher, document_html

    with org_context(org_a):
        document = make_document(owner, versions=("published", "draft"))
        version = exports.pick_version(document, 2)
        content = exports.render_document(document, version, "pdf")
        data = exports.export_data(document, version)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert _pdf_pages(content) == len(HTML(string=document_html(data)).render().pages) >= 1
    html = document_html(data)
    assert "DOC-0001 v2" in html and "Alpha Ltd" in html and "Version history" in html
    assert "<h2>1. Purpose</h2>" in html
    rendered = HTML(string=html, url_fetcher=_fetcher()).render()
    margins = _margin_texts(rendered.pages[0])
    assert margins["@top-left"] == "DOC-0001 v2"
    assert margins["@top-right"] == document.classification.name
    assert margins["@bottom-right"] == f"Page 1 of {len(rendered.pages)}"


def _pdf_pages(content: bytes) -> int:
    """Page objects in the file, looking inside the compressed object streams (no PDF library
    is a dependency)."""
    chunks = [content]
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


def _margin_texts(page) -> dict[str, str]:
    def texts(box):
        own = [box.text] if hasattr(box, "text") else []
        return own + [t for child in getattr(box, "children", []) or [] for t in texts(child)]

    return {
        child.at_keyword: "".join(texts(child))
        for child in page._page_box.children
        if type(child).__name__ == "MarginBox"
    }


def test_pdf_escapes_the_title_and_fetches_nothing(org_a, owner, monkeypatch):
    from openisms.documents import exports_pdf

    fetched = []
    monkeypatch.setattr(exports_pdf, "_fetcher", lambda: _Recorder(fetched))
    body = '![x](http://example.invalid/x.png)\n\n<img src="http://example.invalid/y.png">'
    with org_context(org_a):
        document = make_document(owner, title='</style><img src="http://example.invalid/t">',
                                 content=body)  # fmt: skip
        data = exports.export_data(document, document.latest_version)
        content = exports.render_document(document, document.latest_version, "pdf")
    assert content.startswith(b"%PDF-")
    assert fetched == []
    html = exports_pdf.document_html(data)
    assert '<img src="http://example.invalid/t">' not in html
    assert "&lt;/style&gt;" in html


class _Recorder:
    _fail_on_errors = False

    def __init__(self, seen):
        self.seen = seen

    def __call__(self, url):
        self.seen.append(url)
        raise ValueError("no")


# --- which version ---------------------------------------------------------------------------


def test_version_choice(org_a, owner):
    with org_context(org_a):
        published = make_document(owner, versions=("superseded", "published", "draft"))
        assert exports.pick_version(published).number == 2
        assert exports.pick_version(published, 3).number == 3
        drafts = make_document(owner, versions=("draft", "in_review"))
        assert exports.pick_version(drafts).number == 2
        with pytest.raises(exports.ExportError, match=r"no version 9 \(versions: 1, 2, 3\)"):
            exports.pick_version(published, 9)
        empty = Document.objects.create(
            ref=next_ref(org_a, "DOC"), title="Empty", kind="plan", owner=person_of(owner)
        )
        with pytest.raises(exports.ExportError, match="has no version yet"):
            exports.pick_version(empty)
        with pytest.raises(exports.ExportError, match="No document “DOC-9999”"):
            exports.find_document("DOC-9999")
        assert exports.find_document("doc-0001") == published
    assert exports.filename(published, published.published_version, "docx") == "DOC-0001-v2.docx"


# --- XLSX register ---------------------------------------------------------------------------


def _sheet(content: bytes):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book.active.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Ref")
    return rows[start], rows[start + 1 :], rows[:start]


def test_register_has_one_row_per_document_with_its_facts(org_a, owner, members_a):
    from openisms.people.models import Person

    approver = members_a[Role.APPROVER]
    with org_context(org_a):
        overdue = make_document(
            owner, title="=cmd|' /C calc'!A0", approver=approver,
            next_review=dt.date(2020, 1, 1), controls=("A.5.15", "A.5.1"),
        )  # fmt: skip
        make_document(owner, title="Draft plan", versions=("draft",), kind="plan",
                      classification=False, next_review=dt.date(2020, 1, 1))  # fmt: skip
        people = [Person.objects.create(full_name=f"P{i}") for i in range(3)]
        for i, person in enumerate(people):
            Acknowledgement.objects.create(
                version=overdue.published_version, person=person,
                acknowledged_at=timezone.now() if i < 2 else None,
            )  # fmt: skip
        content, count = exports.register_xlsx()
    headers, rows, preamble = _sheet(content)
    assert count == 2 and len(rows) == 2
    assert ("Organisation", "Alpha Ltd") in [row[:2] for row in preamble]
    assert list(headers) == exports.REGISTER_HEADERS
    first = dict(zip(headers, rows[0], strict=True))
    second = dict(zip(headers, rows[1], strict=True))
    assert first["Ref"] == "DOC-0001"
    assert first["Title"] == "'=cmd|' /C calc'!A0"  # neutralised: never a formula
    assert first["Status"] == "Published" and first["Version in force"] == 1
    assert first["Owner"] == "Olive Owner" and first["Approver"] == approver.username
    assert first["Review overdue"] == "yes"
    assert first["Controls"] == "A.5.1, A.5.15"
    assert (first["Acknowledged"], first["Acknowledgements requested"]) == (2, 3)
    assert first["Published"] is not None
    assert second["Version in force"] is None and second["Latest version"] == 1
    assert second["Review overdue"] == "no"  # nothing in force yet: no review due
    assert second["Classification"] is None and second["Kind"] == "Plan"


def test_register_of_an_organisation_shows_only_its_documents(org_a, org_b, owner, members_b):
    with org_context(org_b):
        make_document(members_b[Role.OWNER], title="B secret policy")
    with org_context(org_a):
        make_document(owner)
        content, count = exports.register_xlsx()
    assert count == 1
    assert b"B secret" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def _bulk_documents(org, owner, n: int, start: int) -> None:
    """``n`` documents each with a published version, controls and an acknowledgement.

    Written past the audit trail (plain querysets): test data, not a change anyone made."""
    from openisms.people.models import Person

    def plain(model):
        return QuerySet(model=model)

    level = ClassificationLevel.objects.first()
    docs = [
        Document(
            organisation=org,
            ref=f"DOC-{start + i:05d}",
            title=f"Doc {start + i}",
            kind="procedure",
            owner=person_of(owner),
            reviewer=person_of(owner),
            approver=owner,
            classification=level,
            status="published",
        )  # fmt: skip
        for i in range(n)
    ]
    plain(Document).bulk_create(docs)
    versions = [
        DocumentVersion(
            organisation=org,
            document=d,
            number=1,
            status="published",
            content="x",
            published_at=timezone.now(),
            author=owner,
        )  # fmt: skip
        for d in docs
    ]
    plain(DocumentVersion).bulk_create(versions)
    for d, v in zip(docs, versions, strict=True):
        d.published_version = v
        d.latest_version = v
    plain(Document).bulk_update(docs, ["published_version", "latest_version"])
    ensure_controls()
    control = Control.objects.get(ref="A.5.1")
    through = Document.controls.through
    plain(through).bulk_create([through(document=d, control=control) for d in docs])
    person = Person.objects.create(full_name=f"Reader {start}")
    plain(Acknowledgement).bulk_create(
        [Acknowledgement(organisation=org, version=v, person=person) for v in versions]
    )


def test_register_export_takes_constant_queries(org_a, owner):
    def export() -> tuple[int, int, float]:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            _, count = exports.register_xlsx()
        return len(ctx), count, time.perf_counter() - started

    with org_context(org_a):
        _bulk_documents(org_a, owner, 10, 1)
        few, count, _ = export()
        assert count == 10
        _bulk_documents(org_a, owner, 490, 100)
        many, count, _ = export()
        assert count == 500
        _bulk_documents(org_a, owner, 4500, 1000)
        most, count, elapsed = export()
    assert count == 5000
    assert few == many == most <= 6, (few, many, most)
    # about 1.3 s here on SQLite and 1.1 s on PostgreSQL; the bound leaves room for a busy CI
    assert elapsed < 15, elapsed


# --- CLI --------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_writes_a_document_in_both_formats_and_the_register(org_a, owner, tmp_path):
    with org_context(org_a):
        make_document(owner, versions=("published", "draft"))
    docx_file, pdf_file, xlsx_file = (tmp_path / n for n in ("d.docx", "d.pdf", "r.xlsx"))
    said = _run("document", "--org", "alpha", "--ref", "DOC-0001", "--format", "docx",
                "--output", str(docx_file))  # fmt: skip
    assert "DOC-0001 v1 (Published) as docx" in said
    _, text = _docx_text(docx_file.read_bytes())
    assert "v1 (Published)" in text
    _run("document", "--org", "alpha", "--ref", "DOC-0001", "--format", "pdf", "--version", "2",
         "--output", str(pdf_file))  # fmt: skip
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    said = _run("documents", "--org", "alpha", "--format", "xlsx", "--output", str(xlsx_file))
    assert "1 document)" in said
    _, rows, _ = _sheet(xlsx_file.read_bytes())
    assert len(rows) == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (("--ref", "DOC-0404", "--format", "pdf"), "No document “DOC-0404” in Alpha Ltd"),
        (("--ref", "DOC-0001", "--version", "7"), r"DOC-0001 has no version 7 \(versions: 1\)"),
        (("--ref", "DOC-0001", "--format", "xlsx"), "document exports as docx, pdf"),
        (
            (
                "--format",
                "pdf",
            ),
            "Say which one with --ref",
        ),
    ],
)
def test_cli_errors_are_clear(org_a, owner, tmp_path, args, message):
    with org_context(org_a):
        make_document(owner)
    target = tmp_path / "out.bin"
    with pytest.raises(CommandError, match=message):
        _run("document", "--org", "alpha", "--output", str(target), *args)
    assert not target.exists()


def test_cli_refuses_unknown_organisation(tmp_path):
    with pytest.raises(CommandError):
        _run("documents", "--org", "nowhere", "--output", str(tmp_path / "x.xlsx"))
