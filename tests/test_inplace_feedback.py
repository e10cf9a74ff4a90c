"""Feedback where the person acts (issue 10, item 4): an htmx form answers with its section, the
message inside it and errors next to the fields; nothing is left over for the next page. And the
links of item 5 that the crawl cannot see: tiles and boxes shown by role."""

from __future__ import annotations

import pytest

from openisms.controls.models import Control
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import org_context
from openisms.core.permissions import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def control(org, ref: str) -> Control:
    with org_context(org):
        ensure_controls()
        return Control.objects.get(ref=ref)


def test_save_decision_answers_in_place(org_a, members_a):
    c = control(org_a, "A.7.5")
    manager = login(members_a[Role.ISMS_MANAGER])
    url = f"/o/{org_a.slug}/controls/{c.pk}/decide/"
    body = manager.post(url, {"applicable": "yes", "business_need": "Offices"}, **HTMX)
    text = body.content.decode()
    assert body.status_code == 200 and text.lstrip().startswith(
        '<section class="card" id="decision"'
    )
    assert 'class="alert ok inplace-message" role="status">Decision on A.7.5 saved.' in text
    # Not saved up as a flash message for the next page opened.
    assert "Decision on A.7.5 saved." not in manager.get(f"/o/{org_a.slug}/").content.decode()
    # Errors stay next to their field, in the section.
    wrong = manager.post(url, {"applicable": "no"}, **HTMX).content.decode()
    assert wrong.lstrip().startswith('<section class="card" id="decision"')
    assert "Say why the control is excluded" in wrong and "inplace-message" not in wrong
    # Without JavaScript: redirect, and the message on the page it leads to.
    plain = manager.post(url, {"applicable": "yes"}, follow=True).content.decode()
    assert "Decision on A.7.5 saved." in plain


def test_save_implementation_answers_in_place(org_a, members_a):
    c = control(org_a, "A.5.1")
    manager = login(members_a[Role.ISMS_MANAGER])
    url = f"/o/{org_a.slug}/controls/{c.pk}/implement/"
    text = manager.post(url, {"status": "planned", "implementation": "Policy set"}, **HTMX)
    text = text.content.decode()
    assert text.lstrip().startswith('<section class="card" id="implementation"')
    assert "Implementation of A.5.1 saved." in text and "Policy set" in text


def test_checklist_link_answers_inside_the_checklist(org_a, members_a):
    from tests.test_documents_checklist_web import make_doc, page_url

    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER])
    client = login(members_a[Role.ISMS_MANAGER])
    r = client.post(page_url(org_a, "soa", "link"), {"ref": doc.ref}, **HTMX)
    text = r.content.decode()
    assert r.status_code == 200
    inside = text[text.index('<div id="checklist">') :]
    assert f"{doc.ref} now counts for" in inside
    unlink = page_url(org_a, "soa", "unlink", str(doc.pk))
    assert f"{doc.ref} no longer counts" in client.post(unlink, **HTMX).content.decode()


def test_people_tile_links_only_for_roles_that_may_see_members(org_a, members_a):
    members = f'href="/o/{org_a.slug}/members/"'
    for role, linked in [(Role.OWNER, True), (Role.AUDITOR, True), (Role.VIEWER, False),
                         (Role.APPROVER, False), (Role.CONTRIBUTOR, False)]:  # fmt: skip
        page = login(members_a[role]).get(f"/o/{org_a.slug}/").content.decode()
        assert (members in page) is linked, role
        assert "people with access" in page


def test_can_tag_asks_the_permission_map(rf, org_a, members_a):
    from django.template import Context, Template

    from openisms.core.access import find_access

    template = Template('{% load access %}{% can "members.manage" as may %}{{ may }}')
    for role, expected in [(Role.OWNER, "True"), (Role.ISMS_MANAGER, "False")]:
        access = find_access(members_a[role], org_a.slug)
        assert template.render(Context({"access": access})) == expected
    assert template.render(Context({})) == "False"


def test_auditor_is_not_asked_to_acknowledge(org_a, members_a):
    """An auditor reads a published document: no empty acknowledge box, no dashboard request."""
    from openisms.core.context import Actor, acting_as
    from openisms.documents.models import Acknowledgement
    from openisms.people.models import Person
    from tests.test_documents_checklist_web import make_doc

    auditor = members_a[Role.AUDITOR]
    doc = make_doc(org_a, members_a[Role.ISMS_MANAGER], kind="policy")
    with org_context(org_a), acting_as(Actor(user_id=None, label="tests")):
        person = Person.objects.create(organisation=org_a, full_name="Ada Auditor", user=auditor)
        ack = Acknowledgement.objects.create(
            organisation=org_a, version=doc.published_version, person=person
        )
    client = login(auditor)
    dashboard = client.get(f"/o/{org_a.slug}/").content.decode()
    assert "for you to read and acknowledge" not in dashboard
    page = client.get(f"/o/{org_a.slug}/documents/read/{ack.pk}/").content.decode()
    assert 'id="ack-read-only"' in page and "I have read and understood" not in page
    listed = client.get(f"/o/{org_a.slug}/documents/read/").content.decode()
    assert 'id="to-read-read-only"' in listed
    staff = login(members_a[Role.VIEWER]).get(f"/o/{org_a.slug}/documents/read/")
    assert 'id="to-read-read-only"' not in staff.content.decode()
