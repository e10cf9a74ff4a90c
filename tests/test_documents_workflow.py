"""Document control services: every state transition, who may do it, segregation of duties,
the designated approver, only drafts editable, versions, publication, review and retirement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from openisms.core.context import acting_as, org_context
from openisms.core.models import Approval, AuditEntry
from openisms.core.permissions import Role, can
from openisms.core.services.approvals import ApprovalRefused
from openisms.documents import policy_templates
from openisms.documents.models import Document, DocumentVersion, VersionStatus
from openisms.documents.services import documents, versions
from openisms.documents.services.documents import SCOPE_PLACEHOLDER, add_months

pytestmark = pytest.mark.django_db

M, A, C, OW, V, AU = (Role.ISMS_MANAGER, Role.APPROVER, Role.CONTRIBUTOR, Role.OWNER,
                      Role.VIEWER, Role.AUDITOR)  # fmt: skip


# --- helpers shared by the other documents test modules ----------------------------------


def make_document(members, author_role=M, **data):
    author = members[author_role]
    values = {"title": "Access control policy", "kind": "topic_policy", "owner": author,
              "content": "# Access control\n\nLeast privilege.\n", **data}  # fmt: skip
    with acting_as(author):
        return documents.create_document(values, user=author)


def submit(version, user):
    with acting_as(user):
        return versions.submit(version, user=user)


def approve(version, user, role=A, comment=""):
    with acting_as(user):
        return versions.approve(version, user=user, role=role, comment=comment)


def publish(version, user, **kw):
    with acting_as(user):
        return versions.publish(version, user=user, **kw)


def published_document(members, **data):
    """A document whose v1 was written by the manager, approved by the approver, published."""
    document = make_document(members, **data)
    version = document.latest_version
    submit(version, members[M])
    approve(version, members[A])
    publish(version, members[M])
    document.refresh_from_db()
    version.refresh_from_db()
    return document, version


def person(user=None, name=None, active=True):
    from openisms.people.models import Person

    return Person.objects.create(
        full_name=name or (user.get_username() if user else "Someone"), user=user,
        is_active=active,
    )  # fmt: skip


# --- creation --------------------------------------------------------------------------


def test_create_gives_a_ref_an_owner_and_a_draft_v1_written_by_its_author(org_a, members_a):
    with org_context(org_a):
        level = __import__("openisms.risk.models", fromlist=["x"]).ClassificationLevel
        internal = level.objects.order_by("order").first()
        p = person(members_a[V])
        doc = make_document(
            members_a, reviewer=members_a[C], approver=members_a[A], classification=internal,
            review_months=6, controls=["A.5.15", "A.8.2"], distribution=[p],
        )  # fmt: skip
        assert doc.ref == "DOC-0001" and doc.status == "draft"
        assert doc.owner.user == members_a[M] and doc.approver == members_a[A]
        assert doc.classification == internal and doc.review_months == 6
        assert sorted(c.ref for c in doc.controls.all()) == ["A.5.15", "A.8.2"]
        assert list(doc.distribution.all()) == [p]
        v1 = doc.latest_version
        assert (v1.number, v1.status, v1.author) == (1, "draft", members_a[M])
        created = AuditEntry.objects.get(object_id=str(v1.pk), action="create")
        assert created.actor == members_a[M]
        assert make_document(members_a).ref == "DOC-0002"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "  "}, "title"),
        ({"kind": "poem"}, "kind"),
        ({"review_months": 0}, "review_months"),
        ({"review_months": 61}, "review_months"),
        ({"controls": ["A.99.1"]}, "controls"),
        ({"owner": None}, "owner"),
    ],
)
def test_create_refuses_bad_control_data(org_a, members_a, data, field):
    with org_context(org_a), pytest.raises(ValidationError) as exc:
        make_document(members_a, **data)
    assert field in exc.value.message_dict


def test_designated_approver_must_be_a_member_who_may_approve(org_a, org_b, members_a, members_b):
    with org_context(org_a):
        with pytest.raises(ValidationError, match="may not approve"):
            make_document(members_a, approver=members_a[C])
        with pytest.raises(ValidationError, match="not a member"):
            make_document(members_a, approver=members_b[A])


def test_create_from_template_fills_name_scope_controls_and_key(org_a, members_a):
    from openisms.context.models import ScopeVersion

    template = policy_templates.all_templates()[0]
    with org_context(org_a):
        doc = documents.create_from_template(template.key, members_a[M])
        text = doc.latest_version.content
        assert doc.title == template.title and doc.kind == template.kind
        assert doc.template_key == template.key and doc.review_months == template.review_months
        assert sorted(c.ref for c in doc.controls.all()) == sorted(template.controls)
        assert org_a.name in text and SCOPE_PLACEHOLDER in text
        ScopeVersion.objects.create(
            number=1, status="approved", statement="The design office in Leeds and its cloud.",
        )  # fmt: skip
        again = documents.create_from_template(template.key, members_a[M], user=members_a[C])
        assert "The design office in Leeds" in again.latest_version.content
        assert again.latest_version.author == members_a[C] and again.owner.user == members_a[M]
        with pytest.raises(ValidationError, match="Unknown policy template"):
            documents.create_from_template("no-such-template", members_a[M])


# --- transitions -----------------------------------------------------------------------


def test_full_life_cycle_keeps_document_status_in_step(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        v1 = doc.latest_version
        submit(v1, members_a[M])
        doc.refresh_from_db()
        assert (v1.status, doc.status) == ("in_review", "in_review") and v1.submitted_at
        approval = approve(v1, members_a[A], comment="Fine.")
        doc.refresh_from_db()
        assert (v1.status, doc.status, v1.approved_by) == ("approved", "approved", members_a[A])
        assert approval.kind == "document" and approval.version_label == "v1"
        publish(v1, members_a[M])
        doc.refresh_from_db()
        v1.refresh_from_db()
        assert (v1.status, doc.status) == ("published", "published")
        assert doc.published_version == v1 and doc.latest_version == v1
        assert doc.next_review == add_months(timezone.localdate(), 12)

        with acting_as(members_a[C]):
            v2 = versions.new_version(doc, user=members_a[C], change_summary="Add MFA")
        doc.refresh_from_db()
        assert (v2.number, v2.status, v2.content) == (2, "draft", v1.content)
        assert doc.status == "draft" and doc.published_version == v1 and doc.latest_version == v2
        with acting_as(members_a[C]):
            versions.edit_draft(v2, {"content": v1.content + "\nUse MFA.\n"}, user=members_a[C])
        submit(v2, members_a[C])
        approve(v2, members_a[A])
        publish(v2, members_a[M])
        v1.refresh_from_db()
        doc.refresh_from_db()
        assert v1.status == "superseded" and doc.published_version == v2
        assert doc.status == "published"

        documents.retire(doc)
        doc.refresh_from_db()
        v2.refresh_from_db()
        assert doc.status == "retired" and v2.status == "retired" and doc.retired_at
        assert doc.next_review is None
        with pytest.raises(ValidationError, match="retired"):
            versions.new_version(doc, user=members_a[M])
        with pytest.raises(ValidationError, match="retired"):
            documents.update_document(doc, {"review_months": 3})


def test_transitions_only_from_their_state(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        v1 = doc.latest_version
        with pytest.raises(ValidationError, match="in review"):
            approve(v1, members_a[A])
        with pytest.raises(ValidationError, match="approved"):
            publish(v1, members_a[M])
        submit(v1, members_a[M])
        with pytest.raises(ValidationError, match="draft"):
            submit(v1, members_a[M])
        with pytest.raises(ValidationError, match="approved"):
            publish(v1, members_a[M])
        approve(v1, members_a[A])
        with pytest.raises(ValidationError, match="in review"):
            approve(v1, members_a[A])


def test_empty_draft_cannot_be_submitted(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a, content="")
        with pytest.raises(ValidationError, match="Write the text or attach a file"):
            submit(doc.latest_version, members_a[M])


def test_only_drafts_are_editable(org_a, members_a):
    with org_context(org_a):
        doc, v1 = published_document(members_a)
        for version in (v1,):
            with pytest.raises(ValidationError, match="only a draft can be edited"):
                versions.edit_draft(version, {"content": "changed"}, user=members_a[M])
        with acting_as(members_a[M]):
            v2 = versions.new_version(doc, user=members_a[M])
        submit(v2, members_a[M])
        with pytest.raises(ValidationError, match="only a draft can be edited"):
            versions.edit_draft(v2, {"content": "sneaky"}, user=members_a[M])
        v2.refresh_from_db()
        assert v2.content == v1.content


def test_title_changes_only_while_the_newest_version_is_a_draft(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        documents.update_document(doc, {"title": "Access management policy"})
        submit(doc.latest_version, members_a[M])
        doc.refresh_from_db()
        with pytest.raises(ValidationError, match="start a new version"):
            documents.update_document(doc, {"title": "Renamed in review"})
        documents.update_document(doc, {"review_months": 24, "title": doc.title})


def test_one_version_in_progress_at_a_time(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        with pytest.raises(ValidationError, match="still draft"):
            versions.new_version(doc, user=members_a[M])
        submit(doc.latest_version, members_a[M])
        with pytest.raises(ValidationError, match="still in review"):
            versions.new_version(doc, user=members_a[M])
        approve(doc.latest_version, members_a[A])
        with pytest.raises(ValidationError, match="still approved"):
            versions.new_version(doc, user=members_a[M])


def test_rejection_needs_a_reason_and_returns_the_version_to_draft(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        v1 = doc.latest_version
        submit(v1, members_a[M])
        with acting_as(members_a[A]), pytest.raises(ValidationError, match="Say why"):
            versions.reject(v1, user=members_a[A], role=A, comment=" ")
        with acting_as(members_a[A]):
            versions.reject(v1, user=members_a[A], role=A, comment="Section 3 is missing.")
        v1.refresh_from_db()
        doc.refresh_from_db()
        assert v1.status == doc.status == "draft" and v1.submitted_at is None
        # The approver who rejected it may approve the corrected text: rejecting is not writing.
        with acting_as(members_a[M]):
            versions.edit_draft(v1, {"content": v1.content + "\n## 3\n"}, user=members_a[M])
        submit(v1, members_a[M])
        approve(v1, members_a[A])
        assert Approval.objects.filter(subject_id=str(v1.pk)).count() == 2


# --- who may approve --------------------------------------------------------------------


def test_author_may_not_approve_their_own_version(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a, author_role=OW)  # the owner role may approve...
        submit(doc.latest_version, members_a[OW])
        with pytest.raises(ApprovalRefused, match="segregation of duties"):
            approve(doc.latest_version, members_a[OW], role=OW)  # ...but not their own text
        approve(doc.latest_version, members_a[A])


def test_an_editor_of_the_draft_is_an_author_too(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        with acting_as(members_a[OW]):
            versions.edit_draft(
                doc.latest_version, {"content": "Owner's words"}, user=members_a[OW]
            )
        submit(doc.latest_version, members_a[M])
        with pytest.raises(ApprovalRefused, match="segregation of duties"):
            approve(doc.latest_version, members_a[OW], role=OW)


def test_roles_without_the_approve_action_are_refused(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a, author_role=C)
        submit(doc.latest_version, members_a[C])
        for role in (M, V, AU):
            assert not can(role, "documents.approve")
            with pytest.raises(ApprovalRefused, match="may not approve"):
                approve(doc.latest_version, members_a[role], role=role)


def test_designated_approver_is_the_only_one_who_decides(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a, approver=members_a[OW])
        v1 = doc.latest_version
        submit(v1, members_a[M])
        with pytest.raises(ApprovalRefused, match="only they may"):
            approve(v1, members_a[A])
        with acting_as(members_a[A]), pytest.raises(ApprovalRefused, match="only they may"):
            versions.reject(v1, user=members_a[A], role=A, comment="No.")
        approve(v1, members_a[OW], role=OW)
        v1.refresh_from_db()
        assert v1.status == "approved" and v1.approved_by == members_a[OW]


def test_publish_refuses_an_approval_that_no_longer_matches(org_a, members_a):
    with org_context(org_a):
        doc = make_document(members_a)
        v1 = doc.latest_version
        submit(v1, members_a[M])
        approve(v1, members_a[A])
        # Someone bypassing the services to change the approved text is caught at publication.
        DocumentVersion.objects.filter(pk=v1.pk).update(content="Something else entirely")
        v1.refresh_from_db()
        with pytest.raises(ValidationError, match="no longer matches"):
            publish(v1, members_a[M])


# --- review ----------------------------------------------------------------------------


def test_mark_reviewed_moves_the_next_review_and_records_who(org_a, members_a):
    with org_context(org_a):
        doc, _ = published_document(members_a, review_months=6, reviewer=members_a[C])
        Document.objects.filter(pk=doc.pk).update(next_review=dt.date(2020, 1, 1))
        doc.refresh_from_db()
        assert doc.review_overdue
        with acting_as(members_a[C]):
            documents.mark_reviewed(doc, user=members_a[C], role=C, note="Still right.")
        doc.refresh_from_db()
        assert doc.next_review == add_months(timezone.localdate(), 6)
        entry = AuditEntry.objects.filter(object_id=str(doc.pk), action="reviewed").get()
        assert entry.actor == members_a[C] and entry.changes["note"] == "Still right."
        # A contributor who is neither owner nor reviewer may not; a viewer never.
        other = make_document(members_a)
        with pytest.raises(ValidationError, match="Only a published document"):
            documents.mark_reviewed(other, user=members_a[M], role=M)
        doc2, _ = published_document(members_a)
        with pytest.raises(ValidationError, match="owner, its reviewer or an ISMS manager"):
            documents.mark_reviewed(doc2, user=members_a[C], role=C)
        with pytest.raises(ValidationError, match="owner, its reviewer or an ISMS manager"):
            documents.mark_reviewed(doc2, user=members_a[V], role=V)


def test_changing_the_cycle_of_a_published_document_resets_its_next_review(org_a, members_a):
    with org_context(org_a):
        doc, _ = published_document(members_a)
        documents.update_document(doc, {"review_months": 3})
        doc.refresh_from_db()
        assert doc.next_review == add_months(timezone.localdate(), 3)


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 14) == dt.date(2027, 1, 15)


def test_version_status_values_cover_the_workflow():
    assert set(VersionStatus.values) == {
        "draft", "in_review", "approved", "published", "superseded", "retired",
    }  # fmt: skip
