"""Document control pages: who sees which buttons and may post which transition, the register's
filters, the template picker, the diff, and constant queries with 5,000 documents."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role, can
from openisms.documents import policy_templates
from openisms.documents.models import Document, DocumentVersion
from openisms.documents.services import versions
from tests.conftest import login, person_of
from tests.test_documents_workflow import (
    AU,
    OW,
    A,
    C,
    M,
    V,
    approve,
    make_document,
    person,
    published_document,
    submit,
)

pytestmark = pytest.mark.django_db


def test_register_and_detail_are_readable_by_every_role(org_a, members_a):
    with org_context(org_a):
        doc, _ = published_document(members_a, title="Cryptography policy")
    for role, user in members_a.items():
        client = login(user)
        register = client.get("/o/alpha/documents/")
        assert register.status_code == 200 and b"Cryptography policy" in register.content
        assert client.get(f"/o/alpha/documents/{doc.pk}/").status_code == 200
        assert client.get("/o/alpha/documents/read/").status_code == 200
        assert client.get("/o/alpha/documents/new/").status_code == (
            200 if can(role, "documents.create") else 403
        )


def test_navigation_lists_the_documents_pages(org_a, members_a):
    page = login(members_a[V]).get("/o/alpha/").content.decode()
    assert "/o/alpha/documents/" in page and "To read &amp; acknowledge" in page


def test_each_transition_follows_the_permission_map(org_a, members_a):
    with org_context(org_a):
        docs = {role: make_document(members_a) for role in Role}
    for role, user in members_a.items():
        client = login(user)
        version = docs[role].latest_version
        response = client.post(f"/o/alpha/documents/versions/{version.pk}/submit/")
        allowed = can(role, "documents.change")
        assert response.status_code == (302 if allowed else 403), role
        version.refresh_from_db()
        assert version.status == ("in_review" if allowed else "draft"), role


def test_buttons_follow_role_and_state(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
    url = f"/o/alpha/documents/{doc.pk}/"
    assert b"Send for approval" in login(members_a[C]).get(url).content
    assert b"Send for approval" not in login(members_a[V]).get(url).content
    with org_context(org_a):
        submit(doc.latest_version, members_a[M])
    assert b"Approve v1" in login(members_a[A]).get(url).content
    assert b"Approve v1" not in login(members_a[M]).get(url).content
    # The owner role may approve, but not what they wrote: the page says why.
    with org_context(org_a):
        own = make_document(members_a, author_role=OW)
        submit(own.latest_version, members_a[OW])
    own_page = login(members_a[OW]).get(f"/o/alpha/documents/{own.pk}/").content.decode()
    assert "Approve v1" not in own_page and "segregation of duties" in own_page
    with org_context(org_a):
        approve(doc.latest_version, members_a[A])
    assert b"Publish v1" in login(members_a[M]).get(url).content
    assert b"Publish v1" not in login(members_a[C]).get(url).content


def test_approve_reject_and_publish_through_the_pages(org_a, members_a):
    with org_context(org_a):
        p = person(members_a[V])
        doc = make_document(members_a, distribution=[p])
        v1 = doc.latest_version
        submit(v1, members_a[M])
    base = f"/o/alpha/documents/versions/{v1.pk}"
    approver = login(members_a[A])
    refused = approver.post(f"{base}/reject/", {"comment": ""}, follow=True)
    assert "Say why you reject it" in refused.content.decode()
    approver.post(f"{base}/reject/", {"comment": "Add the scope."})
    v1.refresh_from_db()
    assert v1.status == "draft"
    manager = login(members_a[M])
    manager.post(f"{base}/submit/")
    assert login(members_a[C]).post(f"{base}/approve/").status_code == 403
    assert manager.post(f"{base}/approve/").status_code == 403
    approver.post(f"{base}/approve/", {"comment": "OK"})
    assert login(members_a[C]).post(f"{base}/publish/").status_code == 403
    response = manager.post(f"{base}/publish/", {"audience": "distribution"}, follow=True)
    assert "published and in force. 1 people asked" in response.content.decode()
    doc.refresh_from_db()
    assert doc.published_version_id == v1.pk and doc.status == "published"


def test_edit_only_drafts_and_new_version_page(org_a, members_a):
    with org_context(org_a):
        doc, v1 = published_document(members_a)
    manager = login(members_a[M])
    edit = manager.get(f"/o/alpha/documents/versions/{v1.pk}/edit/", follow=True)
    assert "only drafts can be edited" in edit.content.decode()
    response = manager.post(f"/o/alpha/documents/{doc.pk}/new-version/")
    with org_context(org_a):
        v2 = DocumentVersion.objects.get(document=doc, number=2)
    assert response.status_code == 302 and response["Location"].endswith(f"{v2.pk}/edit/")
    again = manager.post(f"/o/alpha/documents/{doc.pk}/new-version/", follow=True)
    assert "still draft" in again.content.decode()
    manager.post(f"/o/alpha/documents/versions/{v2.pk}/edit/",
                 {"content": "# Access control\n\nLeast privilege, always.\n",
                  "change_summary": "Stronger wording"})  # fmt: skip
    v2.refresh_from_db()
    assert v2.change_summary == "Stronger wording" and "always" in v2.content
    diff = manager.get(f"/o/alpha/documents/versions/{v2.pk}/").content.decode()
    assert 'class="diff-del"' in diff and 'class="diff-add"' in diff
    assert "Least privilege, always." in diff and "1 line added, 1 removed" in diff


def test_metadata_edit_page(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        p = person(members_a[V])
    url = f"/o/alpha/documents/{doc.pk}/edit/"
    assert login(members_a[V]).get(url).status_code == 403
    response = login(members_a[C]).post(url, {
        "title": "Access policy", "kind": "policy", "owner": person_of(members_a[C]).pk,
        "approver": members_a[A].pk, "review_months": 6, "controls": ["A.5.15"],
        "distribution": [p.pk],
    })  # fmt: skip
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.title, doc.owner.user, doc.approver, doc.review_months) == (
        "Access policy",
        members_a[C],
        members_a[A],
        6,
    )
    bad = login(members_a[C]).post(
        url,
        {
            "title": "x",
            "kind": "policy",
            "owner": person_of(members_a[C]).pk,
            "approver": members_a[C].pk,
            "review_months": 6,
        },
    )
    assert "may not approve" in bad.content.decode()


def test_new_from_template_page(org_a, members_a):
    templates = policy_templates.all_templates()
    client = login(members_a[M])
    page = client.get("/o/alpha/documents/new/").content.decode()
    for t in templates:
        assert t.title in page
        for ref in t.controls:
            assert ref in page
    response = client.post("/o/alpha/documents/new/from-template/", {"template": templates[0].key})
    with org_context(org_a):
        doc = Document.objects.get()
    assert response["Location"].endswith(f"/documents/{doc.pk}/")
    assert doc.template_key == templates[0].key and doc.latest_version.author == members_a[M]
    assert f"Already used: {doc.ref}" in client.get("/o/alpha/documents/new/").content.decode()
    unknown = client.post("/o/alpha/documents/new/from-template/", {"template": "nope"},
                          follow=True)  # fmt: skip
    assert "Choose one of the listed templates" in unknown.content.decode()
    blank = client.post("/o/alpha/documents/new/", {
        "title": "Incident response plan", "kind": "plan", "owner": person_of(members_a[M]).pk,
        "review_months": 12, "content": "# Plan", "change_summary": "",
    })  # fmt: skip
    assert blank.status_code == 302


def test_review_and_retire_pages(org_a, members_a):
    with org_context(org_a):
        doc, _ = published_document(members_a)
        Document.objects.filter(pk=doc.pk).update(next_review=dt.date(2021, 5, 1))
    url = f"/o/alpha/documents/{doc.pk}/"
    assert "overdue" in login(members_a[V]).get(url).content.decode()
    assert login(members_a[V]).post(f"{url}reviewed/").status_code == 403
    login(members_a[M]).post(f"{url}reviewed/", {"note": "Checked"})
    doc.refresh_from_db()
    assert doc.next_review > timezone.localdate()
    assert "last reviewed without change" in login(members_a[V]).get(url).content.decode()
    assert login(members_a[C]).post(f"{url}retire/").status_code == 403
    login(members_a[M]).post(f"{url}retire/")
    doc.refresh_from_db()
    assert doc.status == "retired"


def test_register_filters(org_a, members_a):
    with org_context(org_a):
        published_document(members_a, title="Backup policy", kind="topic_policy")
        late, _ = published_document(members_a, title="Late standard", kind="standard")
        Document.objects.filter(pk=late.pk).update(next_review=dt.date(2020, 1, 1))
        make_document(
            members_a, title="Draft procedure", kind="procedure", owner=person_of(members_a[C])
        )
    client = login(members_a[V])

    def titles(query: str) -> set[str]:
        body = client.get(f"/o/alpha/documents/?{query}").content.decode()
        return {t for t in ("Backup policy", "Late standard", "Draft procedure") if t in body}

    assert titles("") == {"Backup policy", "Late standard", "Draft procedure"}
    assert titles("kind=standard") == {"Late standard"}
    assert titles("status=draft") == {"Draft procedure"}
    assert titles("owner=a-contributor") == {"Draft procedure"}
    assert titles("overdue=1") == {"Late standard"}
    assert titles("q=backup") == {"Backup policy"}
    assert titles("q=DOC-0002") == {"Late standard"}
    rows = client.get("/o/alpha/documents/?kind=standard", headers={"HX-Request": "true"})
    assert b"<html" not in rows.content and b"Late standard" in rows.content


def bulk_documents(org, owner, n: int, start: int = 0) -> None:
    """``n`` published documents with their versions, in two bulk inserts. The document points
    at its version before the version exists: foreign keys are checked at commit."""
    today = timezone.localdate()
    ids = [uuid.uuid4() for _ in range(n)]
    docs = Document.objects.bulk_create(
        [
            Document(
                organisation=org,
                ref=f"BULK-{i:05d}",
                title=f"Bulk document {i}",
                kind="procedure",
                owner=person_of(owner),
                status="published",
                next_review=today + dt.timedelta(days=i % 400 - 30),
                latest_version_id=vid,
                published_version_id=vid,
            )  # fmt: skip
            for i, vid in zip(range(start, start + n), ids, strict=True)
        ],
        audit_summary="bulk documents",
    )
    DocumentVersion.objects.bulk_create(
        [
            DocumentVersion(
                id=vid,
                organisation=org,
                document=d,
                number=1,
                status="published",
                content="Text",
                author=owner,
            )  # fmt: skip
            for d, vid in zip(docs, ids, strict=True)
        ],
        audit_summary="bulk versions",
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


PAGES = [
    "/o/alpha/documents/",
    "/o/alpha/documents/?overdue=1",
    "/o/alpha/documents/?kind=procedure&status=published&q=bulk",
    "/o/alpha/documents/read/",
    "/o/alpha/",
]


def test_queries_stay_flat_with_5000_documents(org_a, members_a):
    from openisms.documents.models import Acknowledgement
    from openisms.people.models import Person

    manager = members_a[M]
    with org_context(org_a), acting_as(manager):
        me = person(members_a[V])
        bulk_documents(org_a, manager, 20)
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(organisation=org_a, version=v, person=me)
                for v in DocumentVersion.objects.all()[:5]
            ],  # fmt: skip
            audit_summary="acks",
        )
    client = login(members_a[V])
    client.get("/o/alpha/")  # the first visit stores the organisation in the session
    few = {url: count(client, url) for url in PAGES}
    with org_context(org_a), acting_as(manager):
        bulk_documents(org_a, manager, 4980, start=20)
        Person.objects.bulk_create(
            [Person(organisation=org_a, full_name=f"Staff {i}") for i in range(2000)],
            audit_summary="staff",
        )
        Acknowledgement.objects.bulk_create(
            [
                Acknowledgement(organisation=org_a, version=v, person=me)
                for v in DocumentVersion.objects.all()[5:300]
            ],  # fmt: skip
            audit_summary="acks",
        )
        assert Document.objects.count() == 5000
    many = {url: count(client, url) for url in PAGES}
    assert many == few, (few, many)


def test_detail_queries_do_not_grow_with_versions_staff_or_acknowledgements(org_a, members_a):
    from openisms.documents.models import Acknowledgement
    from openisms.people.models import Person

    with org_context(org_a):
        doc, v1 = published_document(members_a)
    url = f"/o/alpha/documents/{doc.pk}/"
    client = login(members_a[M])
    client.get("/o/alpha/")
    few = count(client, url)
    with org_context(org_a), acting_as(members_a[M]):
        people = Person.objects.bulk_create(
            [Person(organisation=org_a, full_name=f"Staff {i}") for i in range(2000)],
            audit_summary="staff",
        )
        doc.distribution.set(people)
        Acknowledgement.objects.bulk_create(
            [Acknowledgement(organisation=org_a, version=v1, person=p) for p in people],
            audit_summary="acks",
        )
        for n in range(3):
            v = versions.new_version(doc, user=members_a[M])
            submit(v, members_a[M])
            approve(v, members_a[A])
            versions.publish(v, user=members_a[M])
    assert count(client, url) == few
    assert count(client, f"/o/alpha/documents/versions/{v1.pk}/acknowledgements/") < 20


def test_auditor_reads_but_never_acknowledges(org_a, members_a):
    assert not can(AU, "documents.acknowledge")
    page = login(members_a[AU]).get("/o/alpha/documents/read/")
    assert page.status_code == 200
