"""Leadership API: roles, processes, the RACI matrix, commitments and competence gaps."""

from __future__ import annotations

import pytest
from django.test import Client

from openisms.core.context import org_context
from openisms.core.permissions import Role
from openisms.core.services.tokens import issue_token
from openisms.leadership.models import IsmsProcess, IsmsRole, RaciAssignment
from openisms.people.models import Competence, Person, PersonCompetence

pytestmark = pytest.mark.django_db
API = "/api/v1/leadership"


def client_for(user, org) -> Client:
    _, raw = issue_token(user, org, "leadership tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def owner(members_a, org_a):
    return client_for(members_a[Role.OWNER], org_a)


@pytest.fixture
def staff(org_a, system_actor):
    with org_context(org_a):
        ann = Person.objects.create(organisation=org_a, full_name="Ann Auditor")
        bob = Person.objects.create(organisation=org_a, full_name="Bob Builder")
        skill = Competence.objects.create(organisation=org_a, name="Auditing")
        PersonCompetence.objects.create(organisation=org_a, person=ann, competence=skill)
    return {"ann": ann, "bob": bob, "skill": skill}


def test_roles_crud_with_holders_and_competences(owner, staff, org_a):
    listed = owner.get(f"{API}/roles?limit=3").json()
    assert listed["count"] == 8 and [r["name"] for r in listed["items"]][0] == "Top management"
    body = {"name": "Audit lead", "responsibilities": "Leads audits.",
            "holders": [str(staff["ann"].pk), str(staff["bob"].pk)],
            "required_competences": [str(staff["skill"].pk)]}  # fmt: skip
    response = owner.post(f"{API}/roles", body, content_type="application/json")
    assert response.status_code == 201, response.content
    role = response.json()
    assert [h["full_name"] for h in role["holders"]] == ["Ann Auditor", "Bob Builder"]
    assert role["required_competences"] == [{"id": str(staff["skill"].pk), "name": "Auditing"}]
    again = owner.post(f"{API}/roles", {"name": "AUDIT LEAD"}, content_type="application/json")
    assert again.status_code == 400 and "already a role" in again.json()["detail"]["name"][0]
    url = f"{API}/roles/{role['id']}"
    patched = owner.patch(url, {"holders": [str(staff["bob"].pk)], "authorities": None},
                          content_type="application/json").json()  # fmt: skip
    assert [h["full_name"] for h in patched["holders"]] == ["Bob Builder"]
    assert patched["authorities"] == "" and patched["responsibilities"] == "Leads audits."
    unknown = owner.patch(url, {"holders": ["00000000-0000-0000-0000-000000000000"]},
                          content_type="application/json")  # fmt: skip
    assert unknown.status_code == 400 and "Unknown person" in unknown.json()["detail"]["holders"][0]
    assert owner.delete(url).status_code == 204
    assert owner.get(url).status_code == 404


def test_processes_crud_and_clause_validation(owner):
    bad = owner.post(f"{API}/processes", {"name": "Supplier reviews", "clause": "12"},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "clause" in bad.json()["detail"]
    made = owner.post(f"{API}/processes", {"name": "Supplier reviews", "clause": "8.1"},
                      content_type="application/json")  # fmt: skip
    assert made.status_code == 201
    url = f"{API}/processes/{made.json()['id']}"
    assert (
        owner.patch(url, {"clause": None}, content_type="application/json").json()["clause"] == ""
    )
    assert owner.get(f"{API}/processes?limit=200").json()["count"] == 15
    assert owner.delete(url).status_code == 204


def test_raci_matrix_and_cells(owner, org_a):
    matrix = owner.get(f"{API}/raci").json()
    assert len(matrix["processes"]) == 14 and len(matrix["roles"]) == 8
    assert matrix["warnings"] == []
    with org_context(org_a):
        process = IsmsProcess.objects.get(name="Internal audit")
        top = IsmsRole.objects.get(name="Top management")
    url = f"{API}/raci/{process.pk}/{top.pk}"
    assert owner.put(url, {"letter": "C"}, content_type="application/json").json()["letter"] == "C"
    warnings = owner.get(f"{API}/raci").json()["warnings"]
    assert warnings == [{"process_id": str(process.pk), "process": "Internal audit",
                         "problems": ["nobody is accountable (A)"]}]  # fmt: skip
    cleared = owner.put(url, {"letter": None}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["letter"] is None
    with org_context(org_a):
        assert not RaciAssignment.objects.filter(process=process, role=top).exists()
    wrong = owner.put(url, {"letter": "X"}, content_type="application/json")
    assert wrong.status_code == 422
    assert owner.put(url, {}, content_type="application/json").status_code == 422


def test_commitments_crud_filters_and_totals(owner, members_a):
    made = owner.post(f"{API}/commitments", {"title": "Budget", "kind": "resource",
                                             "amount": "45000", "date": "2025-02-01"},
                      content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    item = made.json()
    assert item["recorded_by"] == "a-owner" and item["kind"] == "resource"
    owner.post(f"{API}/commitments", {"title": "Policy signed", "date": "2024-06-01"},
               content_type="application/json")  # fmt: skip
    page = owner.get(f"{API}/commitments?year=2025").json()
    assert page["count"] == 1 and float(page["total_amount"]) == 45000
    assert owner.get(f"{API}/commitments?kind=decision").json()["count"] == 1
    bad = owner.post(f"{API}/commitments", {"title": "x", "kind": "gift"},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and "kind" in bad.json()["detail"]
    url = f"{API}/commitments/{item['id']}"
    patched = owner.patch(url, {"amount": None, "effort_days": 3.5},
                          content_type="application/json").json()  # fmt: skip
    assert patched["amount"] is None and float(patched["effort_days"]) == 3.5
    assert owner.delete(url).status_code == 204


def test_competence_gaps(owner, staff, org_a, system_actor):
    with org_context(org_a):
        role = IsmsRole.objects.get(name="Internal auditor")
        role.holders.set([staff["ann"], staff["bob"]])
        role.required_competences.set([staff["skill"]])
    gaps = owner.get(f"{API}/competence-gaps?role_id={role.pk}").json()
    assert len(gaps) == 1 and gaps[0]["gaps"] == 1 and gaps[0]["people_with_gaps"] == 1
    holders = {h["full_name"]: h for h in gaps[0]["holders"]}
    assert holders["Ann Auditor"]["held"] == {str(staff["skill"].pk): "record"}
    assert holders["Bob Builder"]["missing"] == [str(staff["skill"].pk)]
    only = owner.get(f"{API}/competence-gaps?role_id={role.pk}&only_gaps=true").json()
    assert [h["full_name"] for h in only[0]["holders"]] == ["Bob Builder"]
    assert len(owner.get(f"{API}/competence-gaps").json()) == 8
    missing = owner.get(f"{API}/competence-gaps?role_id=00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_writes_need_leadership_change(members_a, org_a):
    with org_context(org_a):
        role = IsmsRole.objects.first()
        process = IsmsProcess.objects.first()
    for member_role in (Role.CONTRIBUTOR, Role.APPROVER, Role.AUDITOR, Role.VIEWER):
        client = client_for(members_a[member_role], org_a)
        assert client.get(f"{API}/raci").status_code == 200
        assert client.get(f"{API}/commitments").status_code == 200
        for method, url, body in (
            ("post", f"{API}/roles", {"name": "x"}),
            ("patch", f"{API}/roles/{role.pk}", {"name": "y"}),
            ("delete", f"{API}/roles/{role.pk}", None),
            ("put", f"{API}/raci/{process.pk}/{role.pk}", {"letter": "R"}),
            ("post", f"{API}/commitments", {"title": "x"}),
            ("post", f"{API}/defaults", None),
        ):
            kwargs = {"content_type": "application/json"} if body is not None else {}
            response = (
                getattr(client, method)(url, body, **kwargs)
                if body
                else getattr(client, method)(url)
            )
            assert response.status_code == 403, (member_role, method, url)


def test_defaults_only_fill_an_empty_module(owner, org_a):
    assert owner.post(f"{API}/defaults").json() == {"seeded": False}
    with org_context(org_a):
        RaciAssignment.objects.all().delete()
        IsmsProcess.objects.all().delete()
        IsmsRole.objects.all().delete()
    assert owner.post(f"{API}/defaults").json() == {"seeded": True}
    assert owner.get(f"{API}/roles").json()["count"] == 8
