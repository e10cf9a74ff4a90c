"""Read and acknowledge: one request per (version, person), a new version asks again, staff
acknowledge only their own request for the version in force, managers record on behalf."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.models import AuditEntry
from openisms.documents import selectors
from openisms.documents.models import Acknowledgement
from openisms.documents.services import acknowledgements as acks
from openisms.documents.services import versions
from tests.conftest import login
from tests.test_documents_workflow import (
    AU,
    A,
    C,
    M,
    V,
    approve,
    make_document,
    person,
    publish,
    published_document,
    submit,
)

pytestmark = pytest.mark.django_db


def ack_as(ack, user, role):
    with acting_as(user):
        return acks.acknowledge(ack, user=user, role=role)


def test_a_new_published_version_asks_again(org_a, members_a):
    with org_context(org_a):
        staff = [person(members_a[V]), person(members_a[C]), person(name="Paper Pat")]
        doc, v1 = published_document(members_a, distribution=staff)
        assert acks.request_acknowledgements(v1, staff, user=members_a[M]) == 3
        # Asking again adds nobody: one request per (version, person).
        assert acks.request_acknowledgements(v1, staff, user=members_a[M]) == 0
        mine = Acknowledgement.objects.get(version=v1, person=staff[0])
        ack_as(mine, members_a[V], V)
        mine.refresh_from_db()
        assert mine.acknowledged_by == members_a[V] and mine.acknowledged_at
        assert selectors.ack_progress(v1)["done"] == 1

        with acting_as(members_a[M]):
            v2 = versions.new_version(doc, user=members_a[M])
            versions.edit_draft(v2, {"content": "New rule.\n"}, user=members_a[M])
        submit(v2, members_a[M])
        approve(v2, members_a[A])
        assert publish(v2, members_a[M], audience="distribution") == 3
        progress = selectors.ack_progress(v2)
        assert (progress["total"], progress["done"]) == (3, 0)
        assert [a.version for a in selectors.my_pending(members_a[V])] == [v2]
        # The old request can no longer be acknowledged: it is not the version in force.
        old = Acknowledgement.objects.get(version=v1, person=staff[1])
        with pytest.raises(ValidationError, match="no longer the version in force"):
            ack_as(old, members_a[C], C)
        assert list(selectors.my_pending(members_a[C])) == [
            Acknowledgement.objects.get(version=v2, person=staff[1])
        ]


def test_staff_acknowledge_only_their_own_request(org_a, members_a):
    with org_context(org_a):
        pv, pc = person(members_a[V]), person(members_a[C])
        _, v1 = published_document(members_a)
        acks.request_acknowledgements(v1, [pv, pc], user=members_a[M])
        theirs = Acknowledgement.objects.get(person=pc)
        for role in (V, A):
            with pytest.raises(PermissionDenied):
                ack_as(theirs, members_a[role], role)
        theirs.refresh_from_db()
        assert theirs.acknowledged_at is None


def test_auditor_with_a_person_still_cannot_acknowledge(org_a, members_a):
    with org_context(org_a):
        pa = person(members_a[AU])
        _, v1 = published_document(members_a)
        acks.request_acknowledgements(v1, [pa], user=members_a[M])
        with pytest.raises(PermissionDenied):
            ack_as(Acknowledgement.objects.get(person=pa), members_a[AU], AU)


def test_manager_records_a_paper_acknowledgement_and_is_named(org_a, members_a):
    with org_context(org_a):
        paper = person(name="No Login")
        _, v1 = published_document(members_a)
        acks.request_acknowledgements(v1, [paper], user=members_a[M])
        ack = Acknowledgement.objects.get(person=paper)
        ack_as(ack, members_a[M], M)
        ack.refresh_from_db()
        assert ack.acknowledged_by == members_a[M] and ack.acknowledged_at
        entry = AuditEntry.objects.filter(object_id=str(ack.pk), action="update").get()
        assert entry.actor == members_a[M] and "acknowledged_by_id" in entry.changes
        # Acknowledging twice changes nothing.
        first = ack.acknowledged_at
        ack_as(ack, members_a[M], M)
        ack.refresh_from_db()
        assert ack.acknowledged_at == first


def test_requests_only_for_the_version_in_force_and_active_people(org_a, members_a):
    with org_context(org_a):
        gone = person(name="Left last year", active=False)
        here = person(name="Still here")
        doc = make_document(members_a)
        with pytest.raises(ValidationError, match="Only the published version"):
            acks.request_acknowledgements(doc.latest_version, [here])
        _, v1 = published_document(members_a)
        assert acks.request_acknowledgements(v1, [gone, here]) == 1
        with pytest.raises(ValidationError, match="today or a later date"):
            acks.request_acknowledgements(
                v1, [here], due_on=timezone.localdate() - dt.timedelta(days=1)
            )
        with pytest.raises(ValidationError, match="Not in the people register"):
            acks.request_acknowledgements(v1, ["00000000-0000-0000-0000-000000000001"])


def test_people_of_another_organisation_cannot_be_asked(org_a, org_b, members_a, members_b):
    with org_context(org_b):
        foreign = person(members_b[V])
    with org_context(org_a):
        _, v1 = published_document(members_a)
        with pytest.raises(ValidationError, match="Not in the people register"):
            acks.request_acknowledgements(v1, [foreign.pk])
        assert not Acknowledgement.objects.exists()


def test_publish_asks_all_staff_or_the_distribution_list(org_a, members_a):
    with org_context(org_a):
        listed = person(members_a[V])
        person(members_a[C])
        person(name="Inactive", active=False)
        doc = make_document(members_a, distribution=[listed])
        submit(doc.latest_version, members_a[M])
        approve(doc.latest_version, members_a[A])
        due = timezone.localdate() + dt.timedelta(days=14)
        # All staff: the two people, and the document owner's person (owners are people).
        assert publish(doc.latest_version, members_a[M], audience="all", due_on=due) == 3
        assert set(Acknowledgement.objects.values_list("due_on", flat=True)) == {due}
        with pytest.raises(ValidationError, match="Choose nobody"):
            other = make_document(members_a)
            submit(other.latest_version, members_a[M])
            approve(other.latest_version, members_a[A])
            publish(other.latest_version, members_a[M], audience="everyone")


def test_bulk_request_writes_one_trail_entry(org_a, members_a):
    from openisms.people.models import Person

    with org_context(org_a):
        Person.objects.bulk_create(
            [Person(organisation=org_a, full_name=f"Staff {i:04d}") for i in range(300)],
            audit_summary="test staff",
        )
        _, v1 = published_document(members_a)
        before = AuditEntry.objects.count()
        everyone = Person.objects.all()  # the 300 and the document owner's person
        assert acks.request_acknowledgements(v1, everyone, user=members_a[M]) == 301
        assert AuditEntry.objects.count() == before + 1


# --- pages ----------------------------------------------------------------------------


def test_staff_read_and_acknowledge_through_the_pages(org_a, members_a):
    with org_context(org_a):
        pv = person(members_a[V])
        doc, v1 = published_document(members_a, title="Acceptable use policy")
        acks.request_acknowledgements(v1, [pv], user=members_a[M])
        ack = Acknowledgement.objects.get()
    viewer = login(members_a[V])
    page = viewer.get("/o/alpha/documents/read/")
    assert page.status_code == 200 and "Acceptable use policy" in page.content.decode()
    reading = viewer.get(f"/o/alpha/documents/read/{ack.pk}/")
    assert (
        b"I have read and understood" in reading.content and b"Least privilege" in reading.content
    )
    done = viewer.post(f"/o/alpha/documents/acknowledgements/{ack.pk}/acknowledge/", follow=True)
    assert b"you acknowledged" in done.content
    ack.refresh_from_db()
    assert ack.acknowledged_by == members_a[V]
    manager = login(members_a[M])
    detail = manager.get(f"/o/alpha/documents/{doc.pk}/").content.decode()
    assert "1 of 1" in detail
    # The dashboard of the viewer no longer lists it; the manager's shows nothing to read.
    assert b"to read and acknowledge" not in viewer.get("/o/alpha/").content


def test_someone_elses_request_is_not_found_for_staff(org_a, members_a):
    with org_context(org_a):
        pc = person(members_a[C])
        _, v1 = published_document(members_a)
        acks.request_acknowledgements(v1, [pc], user=members_a[M])
        ack = Acknowledgement.objects.get()
    viewer = login(members_a[V])
    assert viewer.get(f"/o/alpha/documents/read/{ack.pk}/").status_code == 404
    assert (
        viewer.post(f"/o/alpha/documents/acknowledgements/{ack.pk}/acknowledge/").status_code == 404
    )
    auditor = login(members_a[AU])
    assert (
        auditor.post(f"/o/alpha/documents/acknowledgements/{ack.pk}/acknowledge/").status_code
        == 403
    )
    manager = login(members_a[M])
    assert (
        b"Record acknowledgement for" in manager.get(f"/o/alpha/documents/read/{ack.pk}/").content
    )
    manager.post(f"/o/alpha/documents/acknowledgements/{ack.pk}/acknowledge/")
    ack.refresh_from_db()
    assert ack.acknowledged_by == members_a[M]


def test_managers_ask_more_people_from_the_acknowledgements_page(org_a, members_a):
    with org_context(org_a):
        person(members_a[V])
        person(members_a[C])
        _, v1 = published_document(members_a)
    url = f"/o/alpha/documents/versions/{v1.pk}/acknowledgements/"
    assert login(members_a[C]).post(url, {"audience": "all"}).status_code == 403
    manager = login(members_a[M])
    response = manager.post(url, {"audience": "all"}, follow=True)
    assert b"3 more people asked" in response.content  # and the document owner's person
    assert b"0 of 3" in response.content
    assert login(members_a[AU]).get(url).status_code == 200


def test_dashboard_panel_shows_due_reviews_and_my_reading(org_a, members_a):
    from openisms.documents.models import Document

    with org_context(org_a):
        pv = person(members_a[V])
        doc, v1 = published_document(members_a, title="Backup policy")
        acks.request_acknowledgements(v1, [pv], user=members_a[M])
        late, _ = published_document(members_a, title="Late cryptography policy")
        Document.objects.filter(pk=late.pk).update(
            next_review=timezone.localdate() - dt.timedelta(days=3)
        )
        soon, _ = published_document(members_a, title="Soon logging policy")
        Document.objects.filter(pk=soon.pk).update(
            next_review=timezone.localdate() + dt.timedelta(days=20)
        )
    viewer_page = login(members_a[V]).get("/o/alpha/").content.decode()
    assert "Backup policy" in viewer_page and "to read and acknowledge" in viewer_page
    assert "Late cryptography policy" in viewer_page and "overdue" in viewer_page
    assert "Soon logging policy" in viewer_page
    manager_page = login(members_a[M]).get("/o/alpha/").content.decode()
    assert "to read and acknowledge" not in manager_page
    assert "<strong>2</strong> reviews due within 30 days" in manager_page
