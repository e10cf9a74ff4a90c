"""One relation, one table (issue 9): documents ↔ controls and requirements ↔ controls are each
stored once (``Control.documents`` / ``Control.obligations``). A link made from either side —
the document or requirement form and API, the control page and API — shows on the other side,
in the SoA rows, in the SoA export and in the register export; and the data migration that
folded the old duplicate tables keeps every link."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openisms.catalogue.models import Requirement
from openisms.context.models import Obligation
from openisms.context.services import parties
from openisms.controls import links, migration_links, soa_exports
from openisms.controls.models import Control
from openisms.controls.services import records
from openisms.controls.services.setup import ensure_controls
from openisms.controls.soa_rows import build_rows
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.documents import exports as document_exports
from openisms.documents.models import Document
from openisms.documents.services import documents
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
M = Role.ISMS_MANAGER
ROOT = Path(__file__).resolve().parent.parent


# --- helpers -----------------------------------------------------------------------------------


class Api:
    def __init__(self, user, org) -> None:
        token = issue_token(user, org, "relations")[1]
        self.client = Client(headers={"Authorization": f"Bearer {token}"})

    def get(self, path: str):
        return self.client.get("/api/v1" + path)

    def send(self, method: str, path: str, body: dict):
        return self.client.generic(
            method, "/api/v1" + path, json.dumps(body), content_type="application/json"
        )


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def world(org_a, members_a):
    """Organisation A with an own control (CTRL-001), a document and a requirement, unlinked."""
    manager = members_a[M]
    with org_context(org_a), acting_as(manager):
        ensure_controls()
        own = records.create_own_control(
            {"title": "Secure code review", "maps_to": ["A.8.28"]}, user=manager, role=M
        )
        doc = documents.create_document(
            {"title": "Access control policy", "content": "x"}, user=manager
        )
        req = parties.create_obligation(
            {"title": "Security of processing", "source": "law", "reference": "GDPR Art. 32"}
        )
    return {"org": org_a, "manager": manager, "own": own, "doc": doc, "req": req}


def control(org, ref: str) -> Control:
    with org_context(org):
        return Control.objects.get(ref=ref)


def soa_row(org, ref: str) -> dict:
    with org_context(org):
        return next(r for r in build_rows() if r["ref"] == ref)


def xlsx_rows(content: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        ["" if v is None else str(v) for v in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def row_of(rows: list[list[str]], key: str) -> list[str]:
    """The first row whose first cell is ``key``."""
    found = [r for r in rows if r and r[0] == key]
    assert found, f"no row {key}"
    return found[0]


def soa_export_row(org, ref: str) -> list[str]:
    with org_context(org):
        content = soa_exports.render(soa_exports.pick(draft=True), "xlsx")
    return row_of(xlsx_rows(content), ref)


def document_register_row(org, ref: str) -> list[str]:
    with org_context(org):
        content, _ = document_exports.register_xlsx()
    return row_of(xlsx_rows(content), ref)


def requirements_register_row(org, ref: str) -> list[str]:
    from openisms.context.exports import build_requirements
    from openisms.core.register_exports import render

    with org_context(org):
        content = render(build_requirements(), "xlsx")
    return row_of(xlsx_rows(content), ref)


def control_page(client: Client, c: Control) -> str:
    response = client.get(f"/o/alpha/controls/{c.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, element_id: str) -> str:
    """The HTML from the element with ``element_id`` to the end of that element's block."""
    start = body.index(f'id="{element_id}"')
    return body[start : body.index("</d", start + 1)]


# --- documents ↔ controls ------------------------------------------------------------------------


def assert_document_on_control_everywhere(world, ref: str, doc: Document) -> None:
    org = world["org"]
    c = control(org, ref)
    body = control_page(login(world["manager"]), c)
    assert doc.ref in section(body, "control-documents"), ref
    detail = ok(Api(world["manager"], org).get(f"/controls/controls/{c.pk}"))
    assert doc.ref in detail["related_documents"] and str(doc.pk) in detail["document_ids"]
    assert detail["documents"] == 1
    assert f"{doc.ref} (not in force)" in soa_row(org, ref)["documents"]
    assert doc.ref in soa_export_row(org, ref)[9]  # the SoA's "Documents" column
    assert ref in document_register_row(org, doc.ref)[14]  # the register's "Controls"


def test_document_form_links_annex_a_and_own_controls_seen_on_the_control_side(world):
    org, manager, own = world["org"], world["manager"], world["own"]
    client = login(manager)
    response = client.post("/o/alpha/documents/new/", {
        "title": "Secure development standard", "kind": "standard", "owner": person_of(manager).pk,
        "review_months": 12, "controls": ["A.8.25", own.ref], "content": "Review all code.",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    with org_context(org):
        doc = Document.objects.get(title="Secure development standard")
        assert sorted(c.ref for c in doc.controls.all()) == ["A.8.25", own.ref]
    assert_document_on_control_everywhere(world, "A.8.25", doc)
    assert_document_on_control_everywhere(world, own.ref, doc)
    # The document page links each control's own page (not the catalogue).
    page = client.get(f"/o/alpha/documents/{doc.pk}/").content.decode()
    assert f"/o/alpha/controls/{own.pk}/" in section(page, "document-controls")
    # Unlinking on the document's edit form removes it on the control side too.
    client.post(f"/o/alpha/documents/{doc.pk}/edit/", {
        "title": doc.title, "kind": "standard", "owner": person_of(manager).pk, "review_months": 12,
        "controls": ["A.8.25"],
    })  # fmt: skip
    assert doc.ref not in section(control_page(client, own), "control-documents")
    assert soa_row(org, own.ref)["documents"] == []


def test_document_api_links_by_ref_and_names_unknown_refs(world, org_b, members_b):
    org, doc, own = world["org"], world["doc"], world["own"]
    api = Api(world["manager"], org)
    body = ok(api.send("PATCH", f"/documents/{doc.pk}", {"controls": [own.ref, "A.5.15"]}))
    assert body["controls"] == ["A.5.15", own.ref]  # SoA order: Annex A first
    assert_document_on_control_everywhere(world, "A.5.15", doc)
    assert_document_on_control_everywhere(world, own.ref, doc)
    # Unknown refs — and another organisation's own controls — are named, nothing changes.
    with org_context(org_b), acting_as(members_b[Role.OWNER]):
        ensure_controls()
        records.create_own_control(
            {"ref": "B-ONLY", "title": "B control", "maps_to": ["A.5.1"]},
            user=members_b[Role.OWNER], role=Role.OWNER,
        )  # fmt: skip
    refused = api.send("PATCH", f"/documents/{doc.pk}", {"controls": ["A.99.1", "B-ONLY"]})
    assert refused.status_code == 400
    assert "A.99.1" in str(refused.json()["detail"]) and "B-ONLY" in str(refused.json()["detail"])
    assert ok(api.get(f"/documents/{doc.pk}"))["controls"] == ["A.5.15", own.ref]
    created = ok(api.send("POST", "/documents/", {"title": "Logging standard",
                                                  "controls": ["A.8.15"]}), 201)  # fmt: skip
    assert created["controls"] == ["A.8.15"]
    with org_context(org):
        assert [d.ref for d in control(org, "A.8.15").documents.all()] == [created["ref"]]


def test_control_page_links_a_document_seen_on_the_document_side(world):
    org, doc, manager = world["org"], world["doc"], world["manager"]
    c = control(org, "A.5.15")
    client = login(manager)
    response = client.post(f"/o/alpha/controls/{c.pk}/implement/", {
        "status": "planned", "documents": [str(doc.pk)],
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/o/alpha/documents/{doc.pk}/").content.decode()
    assert "A.5.15" in section(page, "document-controls")
    assert ok(Api(manager, org).get(f"/documents/{doc.pk}"))["controls"] == ["A.5.15"]
    assert_document_on_control_everywhere(world, "A.5.15", doc)
    # The control page shows the relation once: the linked list in the implementation card,
    # no second "Documents" section below it.
    body = control_page(client, c)
    assert body.count(doc.title) == 2  # the linked list and the form's option
    assert "None linked." not in body


def test_control_api_links_a_document_seen_on_the_document_side(world):
    org, doc, own = world["org"], world["doc"], world["own"]
    api = Api(world["manager"], org)
    ok(api.send("PATCH", f"/controls/controls/{own.pk}", {"documents": [str(doc.pk)]}))
    assert ok(api.get(f"/documents/{doc.pk}"))["controls"] == [own.ref]
    assert_document_on_control_everywhere(world, own.ref, doc)
    ok(api.send("PATCH", f"/controls/controls/{own.pk}", {"documents": []}))
    assert ok(api.get(f"/documents/{doc.pk}"))["controls"] == []


def test_policy_templates_link_the_organisations_control_records(world):
    from openisms.documents import policy_templates

    org = world["org"]
    template = policy_templates.all_templates()[0]
    with org_context(org):
        doc = documents.create_from_template(template.key, world["manager"])
        linked = list(doc.controls.all())
    assert {c.ref for c in linked} == set(template.controls)
    assert all(isinstance(c, Control) and c.organisation_id == org.pk for c in linked)
    assert doc.ref in section(control_page(login(world["manager"]), linked[0]), "control-documents")


def test_document_link_is_audited_on_the_document(world):
    from openisms.core.models import AuditEntry

    org, doc = world["org"], world["doc"]
    with org_context(org), acting_as(world["manager"]):
        documents.update_document(doc, {"controls": ["A.5.1"]})
        entry = AuditEntry.objects.filter(object_id=str(doc.pk)).order_by("-seq").first()
    assert entry is not None and "controls" in entry.changes, entry.changes


# --- requirements ↔ controls ---------------------------------------------------------------------


def assert_requirement_on_control_everywhere(world, ref: str, req: Obligation) -> None:
    org = world["org"]
    c = control(org, ref)
    body = control_page(login(world["manager"]), c)
    assert req.ref in section(body, "control-requirements"), ref
    detail = ok(Api(world["manager"], org).get(f"/controls/controls/{c.pk}"))
    assert req.ref in detail["obligation_refs"] and detail["obligations"] == 1
    row = soa_row(org, ref)
    assert f"{req.ref} {req.title}" in row["requirements"]
    assert f"Required by: {req.ref} {req.title}" in row["justification"]
    assert f"Required by: {req.ref}" in soa_export_row(org, ref)[4]  # the "why" column
    controls = requirements_register_row(org, req.ref)[7]  # the register's "Controls"
    assert ref in controls.split(", ")


def test_requirement_form_links_controls_seen_on_the_control_side_and_in_the_soa(world):
    org, own = world["org"], world["own"]
    client = login(world["manager"])
    response = client.post("/o/alpha/context/requirements/new/", {
        "title": "Customer audit clause", "source": "contract", "reference": "MSA §12",
        "controls": ["A.5.31", own.ref], "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    with org_context(org):
        req = Obligation.objects.get(reference="MSA §12")
    assert_requirement_on_control_everywhere(world, "A.5.31", req)
    assert_requirement_on_control_everywhere(world, own.ref, req)
    page = client.get(f"/o/alpha/context/requirements/{req.pk}/").content.decode()
    assert f"/o/alpha/controls/{own.pk}/" in section(page, "requirement-controls")
    listed = client.get("/o/alpha/context/requirements/?control=" + own.ref).content.decode()
    assert req.ref in listed


def test_requirement_api_links_by_ref(world):
    org, req = world["org"], world["req"]
    api = Api(world["manager"], org)
    body = ok(api.send("PATCH", f"/context/requirements/{req.pk}", {"controls": ["A.5.34"]}))
    assert body["controls"] == ["A.5.34"]
    assert_requirement_on_control_everywhere(world, "A.5.34", req)
    refused = api.send("PATCH", f"/context/requirements/{req.pk}", {"controls": ["A.5.99"]})
    assert refused.status_code == 400 and "A.5.99" in str(refused.json()["detail"])
    listed = ok(api.get("/context/requirements?control=A.5.34"))
    assert [r["ref"] for r in listed["items"]] == [req.ref]


def test_control_page_links_a_requirement_seen_on_the_requirement_side(world):
    org, req = world["org"], world["req"]
    c = control(org, "A.5.34")
    client = login(world["manager"])
    response = client.post(f"/o/alpha/controls/{c.pk}/decide/", {
        "applicable": "yes", "obligations": [str(req.pk)],
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/o/alpha/context/requirements/{req.pk}/").content.decode()
    assert "A.5.34" in section(page, "requirement-controls")
    api = Api(world["manager"], org)
    assert ok(api.get(f"/context/requirements/{req.pk}"))["controls"] == ["A.5.34"]
    assert_requirement_on_control_everywhere(world, "A.5.34", req)


def test_control_api_links_a_requirement_seen_on_the_requirement_side(world):
    org, req, own = world["org"], world["req"], world["own"]
    api = Api(world["manager"], org)
    ok(api.send("PATCH", f"/controls/controls/{own.pk}", {"obligations": [req.ref]}))
    assert ok(api.get(f"/context/requirements/{req.pk}"))["controls"] == [own.ref]
    assert_requirement_on_control_everywhere(world, own.ref, req)


def test_an_inactive_requirement_stays_linked_but_justifies_nothing(world):
    org, req = world["org"], world["req"]
    with org_context(org), acting_as(world["manager"]):
        parties.update_obligation(req, {"controls": ["A.5.31"], "is_active": False})
    row = soa_row(org, "A.5.31")
    assert row["requirements"] == [] and "Required by" not in row["justification"]
    body = control_page(login(world["manager"]), control(org, "A.5.31"))
    assert req.ref in section(body, "control-requirements") and "(inactive)" in body


# --- resolving references -------------------------------------------------------------------------


def test_resolve_takes_refs_records_and_catalogue_controls_in_order(world, org_b):
    org = world["org"]
    with org_context(org):
        a51 = Control.objects.get(ref="A.5.1")
        requirement = Requirement.objects.get(framework__slug="iso27001-2022", ref="A.8.1")
        found = links.resolve(["A.5.2", a51, requirement, "A.5.2", world["own"].ref])
        assert [c.ref for c in found] == ["A.5.2", "A.5.1", "A.8.1", world["own"].ref]
        assert links.resolve([]) == []
    with org_context(org_b):
        ensure_controls()
        foreign = Control.objects.get(ref="A.5.1")
    with org_context(org), pytest.raises(Exception, match="Not controls of"):
        links.resolve([foreign])


def test_an_organisation_without_control_records_gets_them_on_first_link(world):
    org = world["org"]
    with org_context(org):
        # Gone for real (a soft delete would keep the row and its unique key).
        for gone in Control.objects.filter(requirement__isnull=False, ref="A.6.3"):
            gone.hard_delete()
        req = parties.create_obligation(
            {"title": "Training clause", "source": "contract", "controls": ["A.6.3"]}
        )
        assert [c.ref for c in req.controls.all()] == ["A.6.3"]


# --- query counts --------------------------------------------------------------------------------


def link_many(world, n: int) -> None:
    org = world["org"]
    with org_context(org), acting_as(world["manager"]):
        a515 = Control.objects.get(ref="A.5.15")
        start = Document.objects.count()
        docs = Document.objects.bulk_create([
            Document(organisation=org, ref=f"LD-{start + i:05d}", title=f"Linked {i}",
                     kind="procedure", owner=person_of(world["manager"])) for i in range(n)
        ])  # fmt: skip
        obligations = Obligation.objects.bulk_create([
            Obligation(organisation=org, ref=f"LR-{start + i:05d}", title=f"Req {i}",
                       source="law") for i in range(n)
        ])  # fmt: skip
        controls = list(Control.objects.order_by("order")[:10])
        Control.documents.through.objects.bulk_create(
            [Control.documents.through(control_id=a515.pk, document_id=d.pk) for d in docs]
            + [Control.documents.through(control_id=c.pk, document_id=docs[0].pk)
               for c in controls if c.pk != a515.pk]
        )  # fmt: skip
        Control.obligations.through.objects.bulk_create(
            [Control.obligations.through(control_id=a515.pk, obligation_id=o.pk)
             for o in obligations]
            + [Control.obligations.through(control_id=c.pk, obligation_id=obligations[0].pk)
               for c in controls if c.pk != a515.pk]
        )  # fmt: skip


def test_pages_reading_the_links_take_constant_queries(world):
    client = login(world["manager"])
    a515 = control(world["org"], "A.5.15")
    link_many(world, 5)
    with org_context(world["org"]):
        doc = Document.objects.get(ref="LD-00002")  # linked to ten controls
        req = Obligation.objects.get(ref="LR-00002")
    urls = [
        "/o/alpha/controls/", f"/o/alpha/controls/{a515.pk}/", "/o/alpha/controls/soa/",
        "/o/alpha/documents/", f"/o/alpha/documents/{doc.pk}/", "/o/alpha/context/requirements/",
        f"/o/alpha/context/requirements/{req.pk}/",
    ]  # fmt: skip
    for url in urls:
        client.get(url)  # warm the session and content types

    def counts() -> list[int]:
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            out.append(len(ctx))
        return out

    few = counts()
    link_many(world, 60)
    assert counts() == few


# --- the data migration ---------------------------------------------------------------------------


def test_merge_helper_maps_requirement_links_onto_control_records(world, org_b):
    """``migration_links.link_rows`` on the migration state: links by requirement become links
    to the organisation's control record, created where the organisation lacks it; links that
    are already there stay once; nothing that cannot be mapped is dropped silently."""
    from django.db.migrations.loader import MigrationLoader

    apps = MigrationLoader(connection).project_state().apps
    org, doc = world["org"], world["doc"]
    with org_context(org):
        a51 = Control.objects.get(ref="A.5.1")
        a51.documents.add(doc)
        for gone in Control.objects.filter(ref="A.6.3"):
            gone.hard_delete()  # gone for real, not soft-deleted
    with org_context(org_b):
        ensure_controls()
    reqs = {
        r.ref: r.pk
        for r in Requirement.objects.filter(framework__slug="iso27001-2022", kind__in=["control"])
    }
    clause = Requirement.objects.filter(framework__slug="iso27001-2022", kind="clause").first()
    links_ = [
        (org.pk, doc.pk, reqs["A.5.1"]),  # already linked: stays once
        (org.pk, doc.pk, reqs["A.6.3"]),  # the organisation lacks the record: created
        (org.pk, doc.pk, reqs["A.8.13"]),
        (org.pk, doc.pk, clause.pk),  # not an Annex A control: reported, not invented
    ]
    added, lost = migration_links.link_rows(apps, links_, "documents", "document_id")
    assert added == 2 and lost == [(org.pk, doc.pk, clause.pk)]
    with org_context(org):
        assert sorted(c.ref for c in doc.controls.all()) == ["A.5.1", "A.6.3", "A.8.13"]
        created = Control.objects.get(ref="A.6.3")
        assert created.requirement_id == reqs["A.6.3"] and created.applicable is None
    with org_context(org_b):
        assert not Control.objects.filter(documents__isnull=False).exists()
    assert migration_links.link_rows(apps, links_, "documents", "document_id")[0] == 0


@contextlib.contextmanager
def scratch_database(tmp_path: Path):
    """Environment for a subprocess on a database of its own: a SQLite file, or on PostgreSQL
    (``DATABASE_URL`` set) a scratch database beside the test database, dropped afterwards."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"OPENISMS_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "openisms.settings"}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"openisms_linkfold_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_fold_both_old_tables_and_back(tmp_path):
    """The real migrations on a scratch database (a subprocess: the test database stays as it
    is): documents and requirements linked through both old tables end up in one table per
    relation, for an organisation with control records and one without; migrating back puts
    every Annex A link into the old tables again."""
    with scratch_database(tmp_path) as env:
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "migration_links_roundtrip.py")],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    forward = {
        ("has-records", "A.5.1", "DOC-1"), ("has-records", "A.5.1", "DOC-2"),
        ("has-records", "A.8.13", "DOC-1"), ("has-records", "CTRL-001", "DOC-2"),
        ("no-records", "A.5.15", "DOC-1"),
    }  # fmt: skip
    assert {tuple(r) for r in result["documents"]} == forward
    assert {tuple(r) for r in result["obligations"]} == {
        ("has-records", "A.5.1", "REQ-1"), ("has-records", "A.5.31", "REQ-1"),
        ("no-records", "A.5.1", "REQ-1"), ("no-records", "A.5.34", "REQ-1"),
    }  # fmt: skip
    assert result["controls"] == {"has-records": 4, "no-records": 3}
    assert {tuple(r) for r in result["back_documents"]} == {
        ("has-records", "DOC-1", "A.5.1"), ("has-records", "DOC-1", "A.8.13"),
        ("has-records", "DOC-2", "A.5.1"), ("no-records", "DOC-1", "A.5.15"),
    }  # fmt: skip
    assert {tuple(r) for r in result["back_obligations"]} == {
        ("has-records", "REQ-1", "A.5.1"), ("has-records", "REQ-1", "A.5.31"),
        ("no-records", "REQ-1", "A.5.1"), ("no-records", "REQ-1", "A.5.34"),
    }  # fmt: skip
    assert {tuple(r) for r in result["again_documents"]} == forward
