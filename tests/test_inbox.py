"""“Waiting for me”: each kind reaches the right person only and goes when done; segregation of
duties; the page, the dashboard panel and the top-bar count; flat query counts; the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openisms.core import inbox
from openisms.core.access import find_access
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from tests.conftest import login, person_of
from tests.test_documents_workflow import (
    approve,
    make_document,
    person,
    published_document,
    submit,
)

pytestmark = pytest.mark.django_db

M, A, C, OW, V, AU = (Role.ISMS_MANAGER, Role.APPROVER, Role.CONTRIBUTOR, Role.OWNER,
                      Role.VIEWER, Role.AUDITOR)  # fmt: skip
TODAY = timezone.localdate


def waiting(user, org, kind: str | None = None) -> list[inbox.InboxItem]:
    """What the inbox holds for ``user`` (uncached), optionally of one kind."""
    groups = inbox.groups_for(find_access(user, org.slug))
    return [i for g in groups for i in g.items if kind is None or i.kind == kind]


def titles(user, org, kind: str) -> list[str]:
    return [i.title for i in waiting(user, org, kind)]


def who_is_asked(members, org, kind: str) -> set[str]:
    return {role for role, user in members.items() if titles(user, org, kind)}


# --- the registry ---------------------------------------------------------------------------


def test_owned_by_q_follows_a_login_or_a_person(members_a):
    from openisms.documents.models import Acknowledgement
    from openisms.risk.models import Risk

    user = members_a[C]
    assert inbox.owned_by_q(Risk, "owner", user).children == [("owner__user_id", user.pk)]
    assert inbox.owned_by_q(Acknowledgement, "person", user).children == [
        ("person__user_id", user.pk)
    ]
    q = inbox.owned_by_q(Risk, "owner", user.pk, via="risk")
    assert q.children == [("risk__owner__user_id", user.pk)]


def test_a_module_plugs_in_a_kind_without_touching_the_inbox(org_a, members_a):
    def provider(who):
        return [who.item("test.kind", "Answer the survey", "answer", None, due=who.today)]

    inbox.register(inbox.Kind("test.kind", "Surveys", provider, order=1))
    try:
        items = waiting(members_a[V], org_a, "test.kind")
        assert [(i.title, i.verb, i.organisation) for i in items] == [
            ("Answer the survey", "answer", "alpha")
        ]
    finally:
        del inbox.KINDS["test.kind"]


def test_links_only_where_the_role_may_go(org_a, members_a):
    viewer = inbox.Who(find_access(members_a[V], "alpha"))
    manager = inbox.Who(find_access(members_a[M], "alpha"))
    assert viewer.link("core:risk:plan") == "/o/alpha/risk/plan/"
    assert viewer.link("core:controls:evidence_requests", action="evidence.request") is None
    assert manager.link("core:controls:evidence_requests", action="evidence.request")


# --- documents ------------------------------------------------------------------------------


def test_document_in_review_waits_for_approvers_but_never_its_author(org_a, members_a):
    with org_context(org_a):
        document = make_document(members_a)
        version = document.latest_version
        submit(version, members_a[M])
        kind = "documents.approve"
        assert who_is_asked(members_a, org_a, kind) == {A, OW}
        [item] = waiting(members_a[A], org_a, kind)
        assert item.verb == "sign" and item.url == f"/o/alpha/documents/{document.pk}/"
        approve(version, members_a[A])
        assert who_is_asked(members_a, org_a, kind) == set()


def test_an_owner_who_wrote_the_document_is_not_asked_to_approve_it(org_a, members_a):
    with org_context(org_a):
        document = make_document(members_a, author_role=OW)
        submit(document.latest_version, members_a[OW])
        assert who_is_asked(members_a, org_a, "documents.approve") == {A}


def test_a_changed_text_makes_the_editor_an_author(org_a, members_a):
    from openisms.documents.services import versions

    with org_context(org_a):
        document = make_document(members_a)
        version = document.latest_version
        with acting_as(members_a[OW]):
            versions.edit_draft(
                version, {"content": "# Changed by the owner\n"}, user=members_a[OW]
            )
        submit(version, members_a[M])
        assert who_is_asked(members_a, org_a, "documents.approve") == {A}


def test_a_designated_approver_alone_is_asked(org_a, members_a):
    with org_context(org_a):
        document = make_document(members_a, approver=members_a[A])
        submit(document.latest_version, members_a[M])
        assert who_is_asked(members_a, org_a, "documents.approve") == {A}


def test_reviews_due_wait_for_the_owner_and_the_reviewer(org_a, members_a):
    from openisms.documents.services import documents

    with org_context(org_a):
        document, _ = published_document(members_a, reviewer=members_a[C])
        document.next_review = TODAY() - dt.timedelta(days=2)
        document.save()
        assert who_is_asked(members_a, org_a, "documents.review") == {M, C}
        [item] = waiting(members_a[M], org_a, "documents.review")
        assert item.overdue and item.verb == "review"
        assert item.url == f"/o/alpha/documents/{document.pk}/"
        with acting_as(members_a[M]):
            documents.mark_reviewed(document, user=members_a[M], role=M)
        assert who_is_asked(members_a, org_a, "documents.review") == set()


def test_acknowledgements_wait_for_the_person_asked(org_a, members_a):
    from openisms.documents.models import Acknowledgement
    from openisms.documents.services import acknowledgements as acks

    with org_context(org_a):
        _, version = published_document(members_a)
        reader = person(members_a[V])
        person(members_a[C])
        with acting_as(members_a[M]):
            acks.request_acknowledgements(
                version, [reader], TODAY() + dt.timedelta(days=7), user=members_a[M]
            )
        assert who_is_asked(members_a, org_a, "documents.acknowledge") == {V}
        [item] = waiting(members_a[V], org_a, "documents.acknowledge")
        assert item.verb == "acknowledge" and item.due == TODAY() + dt.timedelta(days=7)
        with acting_as(members_a[V]):
            acks.acknowledge(Acknowledgement.objects.get(), user=members_a[V], role=V)
        assert who_is_asked(members_a, org_a, "documents.acknowledge") == set()


# --- risk -------------------------------------------------------------------------------------


def _risk(members, owner_role=C, **data):
    from openisms.risk.services import risks

    values = {"title": "Phishing", "owner": members[owner_role], "inherent_likelihood": 2,
              "inherent_impact": 2, **data}  # fmt: skip
    with acting_as(members[M]):
        return risks.create_risk(values)


def test_the_treatment_plan_waits_for_owners_then_top_management(org_a, members_a):
    from openisms.risk.services import actions

    with org_context(org_a):
        _risk(members_a, treatment="mitigate")
        assert who_is_asked(members_a, org_a, "risk.plan") == {C, A, OW}
        [mine] = waiting(members_a[C], org_a, "risk.plan")
        assert mine.verb == "confirm" and mine.url == "/o/alpha/risk/plan/"
        assert waiting(members_a[A], org_a, "risk.plan")[0].verb == "sign"
        actions.sign_plan(user=members_a[C])
        assert who_is_asked(members_a, org_a, "risk.plan") == {A, OW}
        actions.sign_plan(user=members_a[A])
        # One approval by top management is enough: the other approver is not asked again.
        assert who_is_asked(members_a, org_a, "risk.plan") == set()


def test_an_approver_who_owns_risks_is_not_left_to_confirm_after_approving(org_a, members_a):
    """The bug: after signing the plan, the approver was still listed as a risk owner who had
    not confirmed. Their approval states the confirmation of their own part; it confirms
    nobody else's."""
    from openisms.risk.services import actions

    with org_context(org_a):
        _risk(members_a, owner_role=A, treatment="mitigate")
        _risk(members_a, owner_role=C, treatment="mitigate", title="Malware")
        status = actions.plan_status()
        assert status["owners_pending"] == ["a-approver", "a-contributor"]
        actions.sign_plan(user=members_a[A])
        status = actions.plan_status()
        assert status["owners_pending"] == ["a-contributor"]
        assert status["owners_signed"] == ["a-approver"]
        assert status["owners_by_approval"] == ["a-approver"]
        assert not status["approved"]  # the contributor has not confirmed their part
        assert titles(members_a[A], org_a, "risk.plan") == []
        assert titles(members_a[C], org_a, "risk.plan")
        page = login(members_a[A]).get("/o/alpha/risk/plan/").content.decode()
        assert "a-approver (by approving the plan)" in page
        pending = page.split('id="owners-pending">')[1].split("<")[0]
        assert pending == "a-contributor"
        actions.sign_plan(user=members_a[C])
        assert actions.plan_status()["approved"]


def test_a_draft_method_waits_for_approvers_other_than_its_author(org_a, members_a):
    from openisms.risk.services import methodology as methods

    with org_context(org_a):
        with acting_as(members_a[OW]):
            draft = methods.propose(methods.current().data, note="tweak", user=members_a[OW])
        assert who_is_asked(members_a, org_a, "risk.method") == {A}
        [item] = waiting(members_a[A], org_a, "risk.method")
        assert item.verb == "sign" and item.url == "/o/alpha/risk/method/"
        with acting_as(members_a[A]):
            methods.reject(draft, approver=members_a[A], role=A, comment="Keep the old scales")
        # Rejected as it stands: the author acts first.
        assert who_is_asked(members_a, org_a, "risk.method") == set()
        data = {**methods.current().data, "review_months": 6}
        with acting_as(members_a[M]):
            draft = methods.propose(data, note="Review twice a year", user=members_a[M])
        assert who_is_asked(members_a, org_a, "risk.method") == {A}
        with acting_as(members_a[A]):
            methods.approve(draft, approver=members_a[A], role=A)
        assert who_is_asked(members_a, org_a, "risk.method") == set()


def test_risks_to_accept_wait_for_their_owner(org_a, members_a):
    from openisms.risk.services import risks

    with org_context(org_a):
        risk = _risk(members_a, treatment="accept", residual_likelihood=1, residual_impact=1)
        assert who_is_asked(members_a, org_a, "risk.accept") == {C}
        [item] = waiting(members_a[C], org_a, "risk.accept")
        assert item.verb == "sign" and item.url == f"/o/alpha/risk/register/{risk.pk}/"
        with acting_as(members_a[A]):
            risks.accept_risk(risk, user=members_a[A])
        assert who_is_asked(members_a, org_a, "risk.accept") == set()
        with acting_as(members_a[M]):
            risks.record_imported_acceptance(risk, by="Former CISO")
        [item] = waiting(members_a[C], org_a, "risk.accept")
        assert item.verb == "confirm" and "imported" in item.detail


def test_open_actions_wait_for_their_owner_overdue_first(org_a, members_a):
    from openisms.risk.services import actions

    with org_context(org_a):
        risk = _risk(members_a, treatment="mitigate")
        with acting_as(members_a[M]):
            later = actions.create_action(
                risk,
                {
                    "title": "Later",
                    "owner": members_a[C],
                    "due_date": TODAY() + dt.timedelta(days=9),
                },
            )
            actions.create_action(
                risk,
                {
                    "title": "Late",
                    "owner": members_a[C],
                    "due_date": TODAY() - dt.timedelta(days=1),
                },
            )
            actions.create_action(risk, {"title": "Undated", "owner": members_a[C]})
        assert who_is_asked(members_a, org_a, "risk.action") == {C}
        items = waiting(members_a[C], org_a, "risk.action")
        assert [i.title for i in items] == ["Late", "Later", "Undated"]
        assert [i.overdue for i in items] == [True, False, False]
        with acting_as(members_a[C]):
            actions.update_action(later, {"status": "done"})
        assert titles(members_a[C], org_a, "risk.action") == ["Late", "Undated"]


# --- controls -------------------------------------------------------------------------------


def _control(members, **data):
    from openisms.controls.models import Control
    from openisms.controls.services.setup import ensure_controls

    ensure_controls()
    control = Control.objects.get(ref="A.5.1")
    with acting_as(members[M]):
        for name, value in data.items():
            setattr(control, name, person_of(value) if name == "owner" else value)
        control.save()
    return control


def test_a_frozen_soa_waits_for_approvers_who_did_not_freeze_it(org_a, members_a):
    from openisms.controls.models import SoaVersion
    from openisms.controls.services import soa

    with org_context(org_a):
        with acting_as(members_a[OW]):
            version = SoaVersion.objects.create(
                organisation=org_a, number=1, content_hash="0" * 64, frozen_by=members_a[OW]
            )
        assert who_is_asked(members_a, org_a, "controls.soa") == {A}
        [item] = waiting(members_a[A], org_a, "controls.soa")
        assert item.verb == "sign" and item.url == f"/o/alpha/controls/soa/{version.pk}/"
        with acting_as(members_a[A]):
            soa.approve(version, approver=members_a[A], role=A)
        assert who_is_asked(members_a, org_a, "controls.soa") == set()


def test_evidence_requests_wait_for_the_person_asked(org_a, members_a):
    from openisms.controls.services import requests

    with org_context(org_a):
        control = _control(members_a)
        with acting_as(members_a[M]):
            req = requests.create_request(
                {"control": control, "requested_from": members_a[C],
                 "due_on": TODAY() + dt.timedelta(days=3)}, user=members_a[M],
            )  # fmt: skip
        assert who_is_asked(members_a, org_a, "controls.evidence_request") == {C}
        [item] = waiting(members_a[C], org_a, "controls.evidence_request")
        assert item.verb == "answer" and item.url.endswith(f"/{req.pk}/fulfil/")
        with acting_as(members_a[M]):
            requests.cancel_request(req)
        assert who_is_asked(members_a, org_a, "controls.evidence_request") == set()


def test_controls_past_their_target_date_wait_for_their_owner(org_a, members_a):
    with org_context(org_a):
        control = _control(members_a, owner=members_a[C], status="planned",
                           target_date=TODAY() - dt.timedelta(days=5))  # fmt: skip
        assert who_is_asked(members_a, org_a, "controls.target") == {C}
        [item] = waiting(members_a[C], org_a, "controls.target")
        assert item.overdue and item.url == f"/o/alpha/controls/{control.pk}/"
        with acting_as(members_a[C]):
            control.status = "implemented"
            control.save()
        assert who_is_asked(members_a, org_a, "controls.target") == set()


# --- people ---------------------------------------------------------------------------------


def test_training_waits_for_the_person_assigned(org_a, members_a):
    from openisms.people.models import Course, TrainingAssignment
    from openisms.people.services.training import record_completion

    with org_context(org_a), acting_as(members_a[M]):
        course = Course.objects.create(organisation=org_a, title="Phishing awareness")
        learner = person(members_a[V])
        assignment = TrainingAssignment.objects.create(
            organisation=org_a, person=learner, course=course, due_on=TODAY()
        )
    with org_context(org_a):
        assert who_is_asked(members_a, org_a, "people.training") == {V}
        [item] = waiting(members_a[V], org_a, "people.training")
        assert item.title == "Phishing awareness" and item.url == "/o/alpha/people/training/mine/"
        with acting_as(members_a[M]):
            record_completion(assignment, score=100)
        assert who_is_asked(members_a, org_a, "people.training") == set()


# --- page, dashboard, top bar ---------------------------------------------------------------


def _document_in_review(members, org):
    with org_context(org):
        document = make_document(members)
        submit(document.latest_version, members[M])
    return document


def test_the_page_groups_items_and_says_when_nothing_waits(org_a, members_a):
    empty = login(members_a[AU]).get("/o/alpha/inbox/").content.decode()
    assert "Nothing waits for you." in empty
    document = _document_in_review(members_a, org_a)
    with org_context(org_a):
        _control(members_a, owner=members_a[OW], status="planned",
                 target_date=TODAY() - dt.timedelta(days=5))  # fmt: skip
    page = login(members_a[OW]).get("/o/alpha/inbox/").content.decode()
    assert 'id="inbox-documents-approve"' in page and 'id="inbox-controls-target"' in page
    assert f"{document.ref} Access control policy v1" in page
    assert 'class="inbox-item overdue"' in page and "overdue since" in page
    assert 'id="inbox-count"' in page


def test_dashboard_panel_and_top_bar_count(org_a, members_a):
    document = _document_in_review(members_a, org_a)
    approver = login(members_a[A])
    dashboard = approver.get("/o/alpha/").content.decode()
    panel = dashboard.split('id="inbox-panel"')[1].split("</section>")[0]
    assert document.ref in panel and "/inbox/" in panel
    assert 'id="inbox-count" aria-label="1 item waiting">1<' in dashboard
    # Other pages fetch the count with htmx once shown: they pay no query for it.
    other = approver.get("/o/alpha/approvals/").content.decode()
    assert 'hx-get="/o/alpha/inbox/count/" hx-trigger="load"' in other
    count = approver.get("/o/alpha/inbox/count/")
    assert count.content.decode().strip().endswith('aria-label="1 item waiting">1</span>')
    assert count["Cache-Control"] == "no-store"
    quiet = login(members_a[C]).get("/o/alpha/").content.decode()
    assert 'id="inbox-count"' not in quiet and "Nothing waits for you." in quiet
    assert login(members_a[C]).get("/o/alpha/inbox/count/").content.decode().strip() == ""


def test_the_count_follows_every_change(org_a, members_a):
    """Cached under the organisation's audit head, the count is never stale after a write."""
    document = _document_in_review(members_a, org_a)
    approver = login(members_a[A])
    assert 'id="inbox-count"' in approver.get("/o/alpha/inbox/count/").content.decode()
    with org_context(org_a):
        approve(document.latest_version, members_a[A])
    assert 'id="inbox-count"' not in approver.get("/o/alpha/inbox/count/").content.decode()


def _queries(client: Client, url: str, fresh: bool = True) -> int:
    if fresh:
        cache.clear()  # the worst case: the inbox is built, not read from the cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _load_up(members, org, n: int) -> None:
    """``n`` more of every kind of item for the owner role."""
    from openisms.controls.models import SoaVersion
    from openisms.risk.services import actions

    with org_context(org):
        risk = _risk(members, owner_role=OW, treatment="accept", title=f"Risk {n}",
                     residual_likelihood=1, residual_impact=1)  # fmt: skip
        with acting_as(members[M]):
            for i in range(n):
                document = make_document(members, title=f"Policy {n}-{i}")
                submit(document.latest_version, members[M])
                actions.create_action(
                    risk,
                    {
                        "title": f"Action {n}-{i}",
                        "owner": members[OW],
                        "due_date": TODAY() - dt.timedelta(days=i),
                    },
                )
            base = SoaVersion.objects.count()
            for i in range(n):
                SoaVersion.objects.create(
                    organisation=org,
                    number=base + i + 1,
                    content_hash="0" * 64,
                    frozen_by=members[M],
                )


PAGES = ("/o/alpha/inbox/", "/o/alpha/", "/o/alpha/members/", "/o/alpha/inbox/count/")


def test_query_counts_stay_flat(org_a, members_a):
    owner = login(members_a[OW])
    before = {url: _queries(owner, url) for url in PAGES}  # nothing waits yet
    _load_up(members_a, org_a, 2)
    small = {url: _queries(owner, url) for url in PAGES}
    _load_up(members_a, org_a, 12)
    for url, n in small.items():
        assert _queries(owner, url) <= n, url
    # A page without the inbox pays nothing for it, whatever waits.
    assert small["/o/alpha/members/"] == before["/o/alpha/members/"]
    assert small["/o/alpha/inbox/"] <= 30, small
    # The count, while nothing changed since it was built: the session, login and membership
    # every page reads, and the audit head.
    owner.get("/o/alpha/inbox/")
    assert _queries(owner, "/o/alpha/inbox/count/", fresh=False) <= 5


# --- API ------------------------------------------------------------------------------------


def _check_api(client: Client, **headers) -> None:
    response = client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["kind"] == "documents.approve" and item["verb"] == "sign"
    assert item["organisation"] == "alpha" and item["url"].startswith("/o/alpha/documents/")
    assert item["kind_label"] == "Documents to approve" and item["overdue"] is False


def test_api_with_a_token_and_with_the_session(org_a, members_a):
    _document_in_review(members_a, org_a)
    approver = members_a[A]
    _, raw = issue_token(approver, org_a, "inbox")
    _check_api(Client(), Authorization=f"Bearer {raw}")
    _check_api(login(approver), **{"X-Organisation": "alpha"})
    assert Client().get("/api/v1/inbox").status_code == 401
    # The author's own inbox has nothing to approve (segregation of duties).
    mine = login(members_a[M]).get("/api/v1/inbox", headers={"X-Organisation": "alpha"})
    assert mine.json()["count"] == 0


def test_api_never_answers_for_another_organisation(org_a, org_b, members_a, members_b):
    _document_in_review(members_a, org_a)
    _, raw = issue_token(members_b[A], org_b, "inbox")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/inbox").json()["count"] == 0
    assert client.get("/api/v1/inbox", headers={"X-Organisation": "alpha"}).status_code == 404
    session = login(members_b[A])
    assert session.get("/api/v1/inbox", headers={"X-Organisation": "alpha"}).status_code == 404
