"""Control pages and API: who sees and changes what, forms, charts, the validation panel, the
dashboard panel, and flat query counts with many linked risks, documents and evidence."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openisms.catalogue.models import Requirement
from openisms.context.models import Obligation
from openisms.controls.models import Control, Evidence
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.documents.models import Document
from openisms.risk.models import Risk
from openisms.risk.services import methodology as methods
from openisms.risk.services.risks import create_risk
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db
C = "/api/v1/controls"
PAGE = "/o/alpha/controls/"


def control(org, ref: str) -> Control:
    with org_context(org):
        ensure_controls()
        return Control.objects.get(ref=ref)


class Api:
    def __init__(self, user, org) -> None:
        from django.test import Client

        self.client = Client(headers={"Authorization": f"Bearer {issue_token(user, org, 't')[1]}"})

    def get(self, path: str, **params):
        return self.client.get(C + path, params)

    def send(self, method: str, path: str, body=None):
        return self.client.generic(method, C + path, json.dumps(body if body is not None else {}),
                                   content_type="application/json")  # fmt: skip


@pytest.fixture
def api(members_a, org_a):
    return {role: Api(user, org_a) for role, user in members_a.items()}


def test_list_page_with_filters_charts_and_tabs(org_a, members_a):
    client = login(members_a[Role.VIEWER])
    body = client.get(PAGE).content.decode()
    assert "A.5.1" in body and "A.8.34" in body and "<svg" in body and "style=" not in body
    assert "Progress by theme" in body and "Add an own control" not in body
    people = client.get(PAGE + "?theme=People").content.decode()
    assert "A.6.8" in people and "A.5.1<" not in people
    rows = client.get(PAGE + "?applicability=undecided&q=crypto", HTTP_HX_REQUEST="true",
                      HTTP_HX_TARGET="control-rows").content.decode()  # fmt: skip
    assert "A.8.24" in rows and "<html" not in rows
    for url in ("mine/", "validation/"):
        assert client.get(PAGE + url).status_code == 200
    assert "No applicability decision" in client.get(PAGE + "validation/").content.decode()


def test_detail_shows_catalogue_guidance_and_live_risks(org_a, members_a):
    with org_context(org_a), acting_as(members_a[Role.ISMS_MANAGER]):
        risk = create_risk({"title": "Data intercepted in transit", "controls": ["A.8.24"]})
    c = control(org_a, "A.8.24")
    body = login(members_a[Role.VIEWER]).get(f"{PAGE}{c.pk}/").content.decode()
    assert "Data intercepted in transit" in body and risk.ref in body
    assert "Technological" in body and "Preventive" in body
    assert "Save decision" not in body and "Save implementation" not in body
    manager = login(members_a[Role.ISMS_MANAGER]).get(f"{PAGE}{c.pk}/").content.decode()
    assert "Save decision" in manager and "Save implementation" in manager
    with org_context(org_a):
        e = Evidence.objects.create(organisation=org_a, ref="EV-0001", title="TLS scan report",
                                    kind="note", note="A+")  # fmt: skip
        e.controls.add(c)
    body = login(members_a[Role.VIEWER]).get(f"{PAGE}{c.pk}/").content.decode()
    assert "TLS scan report" in body and body.count('id="evidence"') == 1


def test_decision_and_implementation_forms(org_a, members_a):
    c = control(org_a, "A.7.5")
    manager = login(members_a[Role.ISMS_MANAGER])
    r = manager.post(f"{PAGE}{c.pk}/decide/", {"applicable": "no"})
    assert r.status_code == 200 and "Say why the control is excluded" in r.content.decode()
    r = manager.post(f"{PAGE}{c.pk}/decide/", {"applicable": "no",
                     "exclusion_justification": "No premises of our own."},
                     HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 200 and 'id="decision"' in r.content.decode()
    c.refresh_from_db()
    assert c.applicable is False and c.status == "not_applicable"
    d = control(org_a, "A.5.1")
    r = manager.post(f"{PAGE}{d.pk}/implement/", {"status": "planned", "owner": "a-contributor",
                     "target_date": "2031-01-31", "implementation": "Policy set"})  # fmt: skip
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.owner.user == members_a[Role.CONTRIBUTOR] and str(d.target_date) == "2031-01-31"


def test_page_permissions(org_a, members_a):
    mine = control(org_a, "A.5.1")
    other = control(org_a, "A.5.2")
    Control.unscoped.filter(pk=mine.pk).update(owner=person_of(members_a[Role.CONTRIBUTOR]))
    viewer = login(members_a[Role.VIEWER])
    assert viewer.post(f"{PAGE}{mine.pk}/implement/", {"status": "planned"}).status_code == 403
    assert viewer.post(f"{PAGE}{mine.pk}/decide/", {"applicable": "yes"}).status_code == 403
    assert viewer.get(PAGE + "own/new/").status_code == 403
    contributor = login(members_a[Role.CONTRIBUTOR])
    assert contributor.post(f"{PAGE}{mine.pk}/decide/", {"applicable": "yes"}).status_code == 403
    assert (
        contributor.post(f"{PAGE}{other.pk}/implement/", {"status": "planned"}).status_code == 403
    )
    r = contributor.post(f"{PAGE}{mine.pk}/implement/", {"status": "partial", "owner": "a-owner"})
    assert r.status_code == 302
    mine.refresh_from_db()
    # The owner field is not the contributor's to change: it is ignored on their form.
    assert mine.status == "partial" and mine.owner.user == members_a[Role.CONTRIBUTOR]
    body = contributor.get(PAGE + "mine/").content.decode()
    assert "A.5.1" in body and "A.5.2<" not in body


def test_own_control_pages(org_a, members_a):
    manager = login(members_a[Role.ISMS_MANAGER])
    r = manager.post(PAGE + "own/new/", {"ref": "A.1.1", "title": "x", "maps_to": ["A.5.1"]})
    assert "belong to Annex A" in r.content.decode()
    r = manager.post(PAGE + "own/new/", {"title": "Secure code review", "maps_to": ["A.8.28"]})
    assert r.status_code == 302
    with org_context(org_a):
        own = Control.objects.get(ref="CTRL-001")
    assert "Secure code review" in manager.get(PAGE + "?theme=own").content.decode()
    r = manager.post(f"{PAGE}{own.pk}/edit/", {"ref": "SEC-1", "title": "Code review",
                                               "maps_to": ["A.8.28", "A.8.29"]})  # fmt: skip
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.ref == "SEC-1"
    a51 = control(org_a, "A.5.1")
    assert manager.get(f"{PAGE}{a51.pk}/edit/").status_code == 404
    assert manager.post(f"{PAGE}{own.pk}/delete/").status_code == 302
    assert Control.unscoped.get(pk=own.pk).deleted_at is not None  # soft-deleted, restorable


def test_dashboard_panel(org_a, members_a):
    body = login(members_a[Role.VIEWER]).get("/o/alpha/").content.decode()
    assert "Statement of Applicability" in body and "of 93 Annex A controls decided" in body


# --- API ---------------------------------------------------------------------------------------


def test_api_round_trip_and_permissions(api, org_a, members_a):
    manager, contributor, viewer = api[Role.ISMS_MANAGER], api[Role.CONTRIBUTOR], api[Role.VIEWER]
    page = manager.get("/controls", limit=200).json()
    assert page["count"] == 93 and page["items"][0]["ref"] == "A.5.1"
    ids = {c["ref"]: c["id"] for c in page["items"]}
    assert manager.get("/controls", theme="People").json()["count"] == 8
    assert (
        viewer.send("PATCH", f"/controls/{ids['A.5.1']}", {"status": "planned"}).status_code == 403
    )
    r = manager.send("PATCH", f"/controls/{ids['A.7.5']}", {"applicable": False})
    assert r.status_code == 400 and "exclusion_justification" in r.json()["detail"]
    with org_context(org_a):
        law = Obligation.objects.create(
            organisation=org_a, ref="CR-0001", title="GDPR", source="law"
        )
        doc = Document.objects.create(
            organisation=org_a, ref="DOC-0001", title="Crypto policy", kind="policy",
            owner=person_of(members_a[Role.OWNER]),
        )  # fmt: skip
    body = {
        "applicable": True, "business_need": "Clients", "obligations": ["CR-0001"],
        "owner": "a-contributor", "documents": [str(doc.pk)], "target_date": "2031-03-01",
    }  # fmt: skip
    r = manager.send("PATCH", f"/controls/{ids['A.8.24']}", body)
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["owner"] == "a-contributor" and data["linked_obligations"] == [law.ref]
    assert data["document_ids"] == [str(doc.pk)] and data["obligations"] == 1
    # The contributor owns it now: implementation yes, decision no; other controls no.
    body = {"status": "implemented", "implementation": "TLS"}
    r = contributor.send("PATCH", f"/controls/{ids['A.8.24']}", body)
    assert r.status_code == 200 and r.json()["status"] == "implemented"
    assert contributor.send("PATCH", f"/controls/{ids['A.8.24']}",
                            {"applicable": False}).status_code == 403  # fmt: skip
    assert contributor.send("PATCH", f"/controls/{ids['A.5.1']}",
                            {"status": "planned"}).status_code == 403  # fmt: skip
    mine = contributor.get("/controls/mine").json()
    assert [c["ref"] for c in mine["items"]] == ["A.8.24"]
    v = manager.get("/controls/validation").json()
    assert v["by_rule"]["no_evidence"] == 1 and v["by_rule"]["undecided"] == 92
    assert manager.get("/controls/progress").json()["implemented"] == 1
    # Own controls: create, read, delete; Annex A cannot be deleted.
    r = manager.send("POST", "/controls", {"title": "Code review", "maps_to": ["A.8.28"]})
    assert r.status_code == 201 and r.json()["ref"] == "CTRL-001" and r.json()["own"]
    own_id = r.json()["id"]
    assert manager.send("POST", "/controls", {"title": "x", "maps_to": []}).status_code == 400
    body = {"title": "x", "maps_to": ["A.5.1"]}
    assert contributor.send("POST", "/controls", body).status_code == 403
    assert manager.get("/controls", theme="own").json()["count"] == 1
    r = manager.send("PATCH", f"/controls/{own_id}", {"ref": "SEC-1", "maps_to": ["A.8.29"]})
    assert r.status_code == 200 and (r.json()["ref"], r.json()["maps_to"]) == ("SEC-1", ["A.8.29"])
    r = manager.send("PATCH", f"/controls/{ids['A.5.1']}", {"title": "Renamed"})
    assert r.status_code == 400
    assert manager.send("DELETE", f"/controls/{ids['A.5.1']}").status_code == 400
    assert contributor.send("DELETE", f"/controls/{own_id}").status_code == 403
    assert manager.send("DELETE", f"/controls/{own_id}").status_code == 204
    assert manager.get(f"/controls/{own_id}").status_code == 404


# --- query counts ------------------------------------------------------------------------------


def grow(org, owner, n: int) -> None:
    """``n`` risks, documents, obligations and evidence, each linked to several controls."""
    with org_context(org), acting_as(owner):
        ensure_controls()
        reqs = list(Requirement.objects.filter(framework__slug="iso27001-2022", kind="control"))
        controls = list(Control.objects.all())
        method = methods.current()
        start = Risk.objects.count()
        risks = Risk.objects.bulk_create([
            Risk(organisation=org, ref=f"R-{5000 + start + i}", title=f"Risk {i}",
                 methodology=method, owner=person_of(owner)) for i in range(n)
        ])  # fmt: skip
        Risk.controls.through.objects.bulk_create([
            Risk.controls.through(risk_id=r.pk, requirement_id=reqs[(i + k) % 93].pk)
            for i, r in enumerate(risks) for k in range(3)
        ])  # fmt: skip
        base = Document.objects.count()
        docs = Document.objects.bulk_create([
            Document(organisation=org, ref=f"BD-{base + i:05d}", title=f"Doc {i}",
                     kind="procedure", owner=person_of(owner)) for i in range(n)
        ])  # fmt: skip
        Control.documents.through.objects.bulk_create([
            Control.documents.through(control_id=controls[i % 93].pk, document_id=d.pk)
            for i, d in enumerate(docs)
        ])  # fmt: skip
        evidence = Evidence.objects.bulk_create([
            Evidence(organisation=org, ref=f"EV-{base + i:05d}", title=f"E {i}", kind="note")
            for i in range(n)
        ])  # fmt: skip
        Evidence.controls.through.objects.bulk_create([
            Evidence.controls.through(evidence_id=e.pk, control_id=controls[i % 93].pk)
            for i, e in enumerate(evidence)
        ])  # fmt: skip
        obligations = Obligation.objects.bulk_create([
            Obligation(organisation=org, ref=f"BO-{base + i:05d}", title=f"O {i}", source="law")
            for i in range(n)
        ])  # fmt: skip
        Control.obligations.through.objects.bulk_create([
            Control.obligations.through(control_id=controls[i % 93].pk, obligation_id=o.pk)
            for i, o in enumerate(obligations)
        ])  # fmt: skip
        for c in controls[:20]:
            c.owner = person_of(owner)
        Control.objects.bulk_update(controls[:20], ["owner"])


def queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_lists_stay_flat_from_0_to_300_links(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    client = login(manager)
    client.get("/o/alpha/")
    token = issue_token(manager, org_a, "t")[1]
    from django.test import Client

    api = Client(headers={"Authorization": f"Bearer {token}"})
    urls = [(client, PAGE), (client, PAGE + "mine/"), (client, PAGE + "validation/"),
            (api, C + "/controls?limit=200"), (api, C + "/controls/mine"),
            (api, C + "/controls/validation")]  # fmt: skip
    Control.unscoped.filter(pk=control(org_a, "A.5.1").pk).update(owner=person_of(manager))
    for c, u in urls:
        queries(c, u)  # warm caches (session, content types)
    few = [queries(c, u) for c, u in urls]
    few_panel = panel_queries(org_a, members_a[Role.ISMS_MANAGER])
    grow(org_a, manager, 300)
    many = [queries(c, u) for c, u in urls]
    assert many == few, list(zip([u for _, u in urls], few, many, strict=True))
    assert max(few[:3]) <= 20
    # Controls, progress, "mine", and the validation: the control list plus the risk method's
    # and the treatment plan's approval (the SoA-wide warnings) — flat, not one per control.
    assert panel_queries(org_a, members_a[Role.ISMS_MANAGER]) == few_panel <= 8


def panel_queries(org, user) -> int:
    from openisms.controls.hooks_records import dashboard_panel
    from openisms.core.access import find_access

    access = find_access(user, org.slug)
    with org_context(org), CaptureQueriesContext(connection) as ctx:
        assert dashboard_panel(access)["context"]["annex_total"] == 93
    return len(ctx.captured_queries)
