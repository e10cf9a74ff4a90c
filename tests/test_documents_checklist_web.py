"""The checklist's page per role, its API, the dashboard panel and `openisms check documents`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from openisms.core.context import Actor, acting_as, org_context
from openisms.core.models.sequence import next_ref
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.documents import checklist
from openisms.documents.models import ChecklistLink, Document, DocumentVersion
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db

EDITORS = {Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR}


def make_doc(org, owner, status="published", title="Objectives 2025", kind="record"):
    with org_context(org), acting_as(Actor(user_id=None, label="tests")):
        doc = Document.objects.create(
            organisation=org, ref=next_ref(org, "DOC"), title=title, kind=kind,
            owner=person_of(owner), status=status,
        )  # fmt: skip
        v = DocumentVersion.objects.create(
            organisation=org, document=doc, number=1, status=status, content="x"
        )
        doc.latest_version = v
        doc.published_version = v if status == "published" else None
        doc.save()
    return doc


def page_url(org, *parts) -> str:
    return f"/o/{org.slug}/documents/checklist/" + "".join(f"{p}/" for p in parts)


# -- page -----------------------------------------------------------------------------------


def test_every_role_sees_the_page_only_editors_get_link_controls(org_a, members_a):
    for role, user in members_a.items():
        response = login(user).get(page_url(org_a))
        assert response.status_code == 200, role
        body = response.content.decode()
        assert "<strong>0 of 15</strong> in place" in body
        assert 'class="checklist-bar"' in body and "style=" not in body
        assert "What to do:" in body
        assert ("Link a document" in body) == (role in EDITORS), role


def test_empty_organisation_page_says_what_to_do(org_a, members_a):
    body = login(members_a[Role.VIEWER]).get(page_url(org_a)).content.decode()
    assert "Nothing is in place yet. Start with the scope" in body
    for item in checklist.ITEMS:
        assert item.title in body
        if not item.key.endswith("_process"):
            assert item.todo in body
    # The method in force is a draft: what to do names it and the page opens it.
    assert "Review risk method v1 and have top management approve it." in body
    assert body.count('data-status="missing"') == 13
    # 2022 numbering on the page too.
    assert '<td class="clause">9.2.2</td>' in body and '<td class="clause">9.3.3</td>' in body


def test_what_to_do_links_respect_the_role(org_a, members_a):
    new_document = f'href="/o/{org_a.slug}/documents/new/"'
    scope_page = f'href="/o/{org_a.slug}/context/scope/"'
    viewer = login(members_a[Role.VIEWER]).get(page_url(org_a)).content.decode()
    # A viewer may open the scope page but not the new-document form (403): no link to it.
    assert scope_page in viewer and new_document not in viewer
    editor = login(members_a[Role.CONTRIBUTOR]).get(page_url(org_a)).content.decode()
    assert new_document in editor and ">Create it<" in editor


def test_review_overdue_item_links_to_its_document(org_a, members_a):
    import datetime as dt

    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER], title="Objectives")
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        Document.objects.filter(pk=doc.pk).update(next_review=dt.date(2020, 3, 1))
        checklist.link_document("objectives", doc)
    body = login(members_a[Role.VIEWER]).get(page_url(org_a)).content.decode()
    row = body.split('id="item-objectives"')[1].split("</tr>")[0]
    assert 'data-status="overdue"' in row and "Review overdue" in row
    assert "its review was due on 1 Mar 2020" in row
    assert f'<a class="todo-link" href="/o/{org_a.slug}/documents/{doc.pk}/">Open it' in row
    assert "/documents/new/" not in row


def test_page_shows_the_satisfying_record_and_links(org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = login(members_a[Role.CONTRIBUTOR])
    response = client.post(page_url(org_a, "objectives", "link"), {"document": str(doc.pk)})
    assert response.status_code == 302
    assert response["Location"].endswith("#item-objectives")
    body = client.get(page_url(org_a)).content.decode()
    assert f"{doc.ref} v1" in body
    assert "<strong>1 of 15</strong> in place" in body
    document_page = checklist.page_url(checklist.DOCUMENT_PAGES, org_a.slug, doc.pk)
    if document_page:  # document control's pages are another part of the app
        assert f'<a href="{document_page}">{doc.ref} v1</a>' in body
    assert page_url(org_a, "objectives", "unlink", doc.pk) in body
    response = client.post(page_url(org_a, "objectives", "unlink", doc.pk))
    assert response.status_code == 302
    with org_context(org_a):
        assert not ChecklistLink.objects.exists()
    # Unlinking again: nothing to unlink.
    assert client.post(page_url(org_a, "objectives", "unlink", doc.pk)).status_code == 404


def test_link_by_reference_and_form_errors(org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = login(members_a[Role.ISMS_MANAGER])
    response = client.get(page_url(org_a, "soa", "link"))
    assert response.status_code == 200
    assert f"{doc.ref} {doc.title}" in response.content.decode()
    response = client.post(page_url(org_a, "soa", "link"), {"ref": doc.ref.lower()})
    assert response.status_code == 302
    response = client.post(page_url(org_a, "soa", "link"), {"ref": "DOC-9999"})
    assert response.status_code == 200
    assert "no such document" in response.content.decode()
    response = client.post(page_url(org_a, "soa", "link"), {})
    assert "Choose the document" in response.content.decode()
    assert client.get(page_url(org_a, "nonsense", "link")).status_code == 404


def test_link_form_inline_with_htmx(org_a, members_a):
    make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = login(members_a[Role.OWNER])
    response = client.get(page_url(org_a, "scope", "link"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'name="document"' in body
    assert 'hx-select="#checklist"' in body


def test_a_document_of_another_organisation_cannot_be_linked(org_a, org_b, members_a, members_b):
    foreign = make_doc(org_b, members_b[Role.OWNER])
    client = login(members_a[Role.OWNER])
    response = client.post(page_url(org_a, "scope", "link"), {"document": str(foreign.pk)})
    assert response.status_code == 200
    assert "no such document" in response.content.decode()
    response = client.post(page_url(org_a, "scope", "link"), {"ref": foreign.ref})
    assert "no such document" in response.content.decode()
    assert client.post(page_url(org_a, "scope", "unlink", foreign.pk)).status_code == 404
    with org_context(org_a):
        assert not ChecklistLink.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.APPROVER])
def test_read_only_roles_cannot_link_or_unlink(org_a, members_a, role):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        checklist.link_document("objectives", doc)
    client = login(members_a[role])
    assert client.get(page_url(org_a, "objectives", "link")).status_code == 403
    assert client.post(page_url(org_a, "soa", "link"), {"document": str(doc.pk)}).status_code == 403
    assert client.post(page_url(org_a, "objectives", "unlink", doc.pk)).status_code == 403
    with org_context(org_a):
        assert ChecklistLink.objects.count() == 1


def test_unlink_is_post_only(org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = login(members_a[Role.OWNER])
    assert client.get(page_url(org_a, "scope", "unlink", doc.pk)).status_code == 405


def test_navigation_and_dashboard_panel(org_a, members_a):
    client = login(members_a[Role.VIEWER])
    body = client.get(f"/o/{org_a.slug}/").content.decode()
    assert "Mandatory documented information: 0 of 15 in place" in body
    # The panel's items link where the viewer may go: the scope page, not the new-document form.
    assert f'<a href="/o/{org_a.slug}/context/scope/">Scope of the ISMS</a>' in body
    assert f'href="/o/{org_a.slug}/documents/new/"' not in body
    assert '<svg class="checklist-bar"' in body
    assert page_url(org_a) in body
    assert ">Mandatory documents<" in body


def test_page_queries_do_not_grow_with_documents(org_a, members_a, django_assert_max_num_queries):
    client = login(members_a[Role.OWNER])
    with django_assert_max_num_queries(40):
        assert client.get(page_url(org_a)).status_code == 200
    owner = members_a[Role.ISMS_MANAGER]
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        docs = Document.objects.bulk_create(
            [
                Document(
                    organisation=org_a,
                    ref=f"DOC-{7000 + i}",
                    title=f"D{i}",
                    kind="record",
                    owner=person_of(owner),
                    status="draft",
                )  # fmt: skip
                for i in range(400)
            ]
        )
        ChecklistLink.objects.bulk_create(
            [ChecklistLink(organisation=org_a, item_key="objectives", document=d) for d in docs]
        )
    with django_assert_max_num_queries(40):
        response = client.get(page_url(org_a))
    assert response.content.decode().count(">Unlink<") == 400
    # More documents than a select should hold: the form asks for a reference.
    with django_assert_max_num_queries(40):
        body = client.get(page_url(org_a, "scope", "link")).content.decode()
    assert 'name="ref"' in body and 'name="document"' not in body


# -- API ------------------------------------------------------------------------------------


@pytest.fixture
def api(org_a, members_a):
    def client_for(role: str) -> Client:
        _, raw = issue_token(members_a[role], org_a, f"{role} script")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return client_for


def test_api_lists_items_with_status_and_reference(api, org_a, members_a):
    response = api(Role.VIEWER).get("/api/v1/documents/checklist")
    assert response.status_code == 200
    data = response.json()
    assert data["summary"]["total"] == 15 and data["summary"]["missing"] == 13
    assert [i["clause"] for i in data["items"]][:3] == ["4.3", "5.2", "6.1.2"]
    method = data["items"][2]
    assert method["status"] == "draft" and method["reference"] == "Risk method v1"
    assert method["todo"] and method["todo_url"] == f"/o/{org_a.slug}/risk/method/"
    assert method["status_label"] == "Draft" and method["in_place"] is False
    assert set(data["summary"]) == {"total", "in_place", "approved", "recorded", "overdue",
                                    "draft", "missing", "complete"}  # fmt: skip
    clauses = {i["key"]: i["clause"] for i in data["items"]}
    assert (clauses["internal_audit"], clauses["management_review"]) == ("9.2.2", "9.3.3")


def test_api_says_recorded_not_approved_for_training_records(api, org_a):
    from openisms.people.models import Competence, Person, PersonCompetence

    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        person = Person.objects.create(organisation=org_a, full_name="Pat")
        skill = Competence.objects.create(organisation=org_a, name="Lead auditor")
        PersonCompetence.objects.create(organisation=org_a, person=person, competence=skill)
    data = api(Role.AUDITOR).get("/api/v1/documents/checklist").json()
    item = next(i for i in data["items"] if i["key"] == "competence")
    assert (item["status"], item["status_label"], item["in_place"]) == (
        "recorded",
        "Recorded",
        True,
    )
    assert item["todo"] == "" and item["todo_url"] is None
    assert (data["summary"]["recorded"], data["summary"]["approved"]) == (1, 0)


def test_api_link_and_unlink(api, org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = api(Role.CONTRIBUTOR)
    url = "/api/v1/documents/checklist/objectives/links"
    response = client.post(url, {"document_id": str(doc.pk)}, content_type="application/json")
    assert response.status_code == 201
    item = response.json()
    assert item["status"] == "approved" and item["reference"] == f"{doc.ref} v1"
    assert item["links"][0]["id"] == str(doc.pk)
    again = client.post(url, {"document_id": str(doc.pk)}, content_type="application/json")
    assert again.status_code == 200
    assert client.delete(f"{url}/{doc.pk}").status_code == 204
    assert client.delete(f"{url}/{doc.pk}").status_code == 404
    listed = api(Role.VIEWER).get("/api/v1/documents/checklist").json()
    assert next(i for i in listed["items"] if i["key"] == "objectives")["status"] == "missing"


def test_api_errors(api, org_a, org_b, members_a, members_b):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    foreign = make_doc(org_b, members_b[Role.OWNER])
    retired = make_doc(org_a, members_a[Role.ISMS_MANAGER], status="retired")
    client = api(Role.OWNER)
    url = "/api/v1/documents/checklist/scope/links"
    post = lambda u, body: client.post(u, body, content_type="application/json")  # noqa: E731
    assert post(url, {"document_id": str(foreign.pk)}).status_code == 404
    assert client.delete(f"{url}/{foreign.pk}").status_code == 404
    assert post(url, {"document_id": str(retired.pk)}).status_code == 400
    assert post("/api/v1/documents/checklist/nonsense/links", {"document_id": str(doc.pk)}
                ).status_code == 404  # fmt: skip
    assert client.delete(f"/api/v1/documents/checklist/nonsense/links/{doc.pk}").status_code == 404
    assert post(url, {"document_id": "not-a-uuid"}).status_code == 422
    assert post(url, [1, 2]).status_code == 422
    viewer = api(Role.VIEWER)
    denied = viewer.post(url, {"document_id": str(doc.pk)}, content_type="application/json")
    assert denied.status_code == 403
    assert viewer.delete(f"{url}/{doc.pk}").status_code == 403


# -- CLI ------------------------------------------------------------------------------------


def run_check(*args, **options) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("check", *args, stdout=out, stderr=err, **options)
    except SystemExit as exc:
        code = exc.code
    return out.getvalue(), err.getvalue(), code


def test_cli_text_lists_every_item_and_exits_1_when_missing(org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        checklist.link_document("objectives", doc)
    out, err, code = run_check("documents", org="alpha")
    assert code == 1
    assert "missing" in err
    lines = out.splitlines()
    assert lines[0] == "Mandatory documented information of Alpha Ltd (alpha)"
    for item in checklist.ITEMS:
        assert any(item.clause in ln and item.title in ln for ln in lines), item.key
    objectives = next(ln for ln in lines if "Information security objectives" in ln)
    assert "approved" in objectives and f"{doc.ref} v1" in objectives
    assert "1 of 15 in place (1 approved, 0 recorded)" in out
    # 2022 sub-clauses, and what to do under each item not in place, with the page to do it on.
    audit = lines.index(next(ln for ln in lines if "Internal audit programme" in ln))
    assert lines[audit].startswith("9.2.2 ")
    assert (
        "what to do:" in lines[audit + 1]
        and f"(/o/{org_a.slug}/documents/new/)" in lines[audit + 1]
    )
    assert next(ln for ln in lines if "Results of management reviews" in ln).startswith("9.3.3 ")


def test_cli_json_and_exit_0_when_nothing_is_missing(org_a, members_a):
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    draft = make_doc(org_a, members_a[Role.ISMS_MANAGER], status="draft")
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        for item in checklist.ITEMS:
            checklist.link_document(item.key, draft if item.key == "soa" else doc)
    out, err, code = run_check("documents", org="alpha", format="json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["organisation"] == "alpha"
    assert data["summary"]["missing"] == 0 and data["summary"]["draft"] == 1
    assert len(data["items"]) == 15
    first = data["items"][0]
    assert set(first) >= {"key", "clause", "title", "status", "reference"}
    soa = next(i for i in data["items"] if i["key"] == "soa")
    assert (soa["status"], soa["reference"]) == ("draft", f"{draft.ref} v1")
    # Text mode says the same, and exits 0 too.
    assert soa["todo"] and soa["todo_url"] == f"/o/alpha/documents/{draft.pk}/"
    out, _, code = run_check("documents", org="alpha", format="text")
    assert code == 0 and "14 of 15 in place (14 approved, 0 recorded)" in out


def test_cli_json_exit_1_when_missing(org_a):
    out, _, code = run_check("documents", org="alpha", format="json")
    assert code == 1
    data = json.loads(out)
    assert {i["status"] for i in data["items"]} == {"missing", "draft"}


def test_cli_errors_and_plain_system_checks(org_a):
    with pytest.raises(CommandError, match="No organisation"):
        run_check("documents", org="nope")
    with pytest.raises(CommandError, match="only applies|applies only"):
        run_check("risk", org="alpha")
    with pytest.raises(CommandError, match="only applies|applies only"):
        run_check(org="alpha")
    # Without --org it is Django's system check, unchanged.
    out, _, code = run_check()
    assert code == 0 and "System check identified no issues" in out
    out, _, code = run_check("documents")
    assert code == 0 and "System check identified no issues" in out
    out, _, _ = run_check(list_tags=True)
    assert "models" in out
