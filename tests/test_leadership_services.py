"""Leadership services: roles and processes, the RACI matrix and its checks, the defaults,
clause references, commitment records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from openisms.core.context import acting_as, org_context
from openisms.core.models import AuditEntry
from openisms.core.permissions import Role
from openisms.leadership import selectors
from openisms.leadership.models import Commitment, IsmsProcess, IsmsRole, RaciAssignment
from openisms.leadership.services import commitments, roles
from openisms.leadership.services.setup import DEFAULT_PROCESSES, DEFAULT_ROLES, seed_organisation
from openisms.people.models import Competence, Person

pytestmark = pytest.mark.django_db


def empty(org):
    """The organisation's leadership module without the defaults (to test from scratch)."""
    RaciAssignment.objects.all().delete()
    IsmsProcess.objects.all().delete()
    IsmsRole.objects.all().delete()


def test_new_organisation_gets_default_roles_processes_and_raci(org_a):
    with org_context(org_a):
        assert IsmsRole.objects.count() == len(DEFAULT_ROLES) == 8
        assert IsmsProcess.objects.count() == len(DEFAULT_PROCESSES) == 14
        names = set(IsmsRole.objects.values_list("name", flat=True))
        assert {"Top management", "ISMS manager", "Internal auditor", "All staff"} <= names
        clauses = dict(IsmsProcess.objects.values_list("name", "clause"))
        assert clauses["Risk assessment"] == "6.1.2"
        assert clauses["Competence and awareness"] == "7.2/7.3"
        matrix = selectors.raci_matrix()
        assert matrix["warnings"] == []
        for row in matrix["rows"]:
            letters = [x for _, x in row.cells]
            assert letters.count("A") == 1, row.process.name
            assert "R" in letters, row.process.name
        assert all(r.responsibilities and r.authorities for r in IsmsRole.objects.all())


def test_seed_is_idempotent_and_never_touches_a_started_module(org_a):
    with org_context(org_a):
        counts = (IsmsRole.objects.count(), IsmsProcess.objects.count(),
                  RaciAssignment.objects.count())  # fmt: skip
        assert seed_organisation(org_a) is False
        assert counts == (IsmsRole.objects.count(), IsmsProcess.objects.count(),
                          RaciAssignment.objects.count())  # fmt: skip
        empty(org_a)
        roles.create_role({"name": "Our own role"})
        assert seed_organisation(org_a) is False
        assert IsmsProcess.objects.count() == 0
        IsmsRole.objects.all().delete()
        assert seed_organisation(org_a) is True
        assert (
            IsmsRole.objects.count() == 8
            and RaciAssignment.objects.filter(letter="A").count() == 14
        )


def test_seed_is_one_audit_entry_per_kind_not_one_per_row(org_a):
    entries = AuditEntry.unscoped.filter(organisation=org_a, object_type__startswith="leadership.")
    assert entries.count() == 3


def test_role_names_are_unique_ignoring_case(org_a, system_actor):
    with org_context(org_a):
        with pytest.raises(ValidationError) as exc:
            roles.create_role({"name": "isms MANAGER"})
        assert "already a role" in exc.value.message_dict["name"][0]
        role = roles.create_role({"name": "Privacy champion", "responsibilities": "Helps."})
        assert role.order > IsmsRole.objects.get(name="All staff").order  # appended at the end
        with pytest.raises(ValidationError):
            roles.update_role(role, {"name": "ALL STAFF"})
        roles.update_role(role, {"name": "PRIVACY champion"})  # itself, in other case: fine
        with pytest.raises(ValidationError) as exc:
            roles.create_role({"name": "  "})
        assert "name" in exc.value.message_dict
        with pytest.raises(ValidationError):
            roles.create_role({"name": "X", "order": -1})


def test_process_names_are_unique_and_clauses_checked_against_the_catalogue(org_a, system_actor):
    with org_context(org_a):
        with pytest.raises(ValidationError) as exc:
            roles.create_process({"name": "risk ASSESSMENT"})
        assert "already a process" in exc.value.message_dict["name"][0]
        p = roles.create_process({"name": "Supplier reviews", "clause": " 8.1 "})
        assert p.clause == "8.1"
        p = roles.update_process(p, {"clause": "7.2, 7.3"})
        assert p.clause == "7.2/7.3"
        for wrong in ("6.1.9", "A.5.1", "11", "4.1/x"):
            with pytest.raises(ValidationError) as exc:
                roles.update_process(p, {"clause": wrong})
            assert "Not a clause of ISO/IEC 27001:2022" in exc.value.message_dict["clause"][0]
        assert roles.update_process(p, {"clause": ""}).clause == ""


def test_holders_and_competences_must_belong_to_the_organisation(org_a, org_b, system_actor):
    with org_context(org_b):
        foreign = Person.objects.create(organisation=org_b, full_name="Foreign Person")
        foreign_competence = Competence.objects.create(organisation=org_b, name="Foreign skill")
    with org_context(org_a):
        mine = Person.objects.create(organisation=org_a, full_name="Ann Able")
        skill = Competence.objects.create(organisation=org_a, name="Risk assessment")
        role = IsmsRole.objects.get(name="Risk owner")
        roles.update_role(role, {"holders": [mine, str(mine.pk)], "required_competences": [skill]})
        assert list(role.holders.all()) == [mine]
        with pytest.raises(ValidationError) as exc:
            roles.update_role(role, {"holders": [foreign.pk]})
        assert "Unknown person" in exc.value.message_dict["holders"][0]
        with pytest.raises(ValidationError):
            roles.update_role(role, {"required_competences": [foreign_competence]})
        with pytest.raises(ValidationError):
            roles.update_role(role, {"holders": ["not-a-uuid"]})
        assert list(role.holders.all()) == [mine]


def test_raci_cell_set_change_clear(org_a, system_actor):
    with org_context(org_a):
        process = roles.create_process({"name": "Supplier security", "clause": "8.1"})
        role = IsmsRole.objects.get(name="ISMS manager")
        cell = roles.set_cell(process, role, "a")
        assert cell.letter == "A"
        assert roles.set_cell(process, role, "R").pk == cell.pk
        assert RaciAssignment.objects.get(process=process, role=role).letter == "R"
        assert roles.set_cell(process, role, "") is None
        assert not RaciAssignment.objects.filter(process=process, role=role).exists()
        assert roles.set_cell(process, role, None) is None  # clearing twice is fine
        with pytest.raises(ValidationError) as exc:
            roles.set_cell(process, role, "X")
        assert "R (responsible)" in exc.value.message_dict["letter"][0]


def test_raci_warnings_name_processes_without_one_a_and_an_r(org_a, system_actor):
    with org_context(org_a):
        empty(org_a)
        p1 = roles.create_process({"name": "Internal audit", "clause": "9.2"})
        p2 = roles.create_process({"name": "Management review", "clause": "9.3"})
        top = roles.create_role({"name": "Top management"})
        im = roles.create_role({"name": "ISMS manager"})
        auditor = roles.create_role({"name": "Internal auditor"})
        roles.set_cell(p1, top, "A")
        roles.set_cell(p1, auditor, "R")
        roles.set_cell(p2, top, "A")
        roles.set_cell(p2, im, "A")
        warnings = {w.process.name: w.problems for w in selectors.raci_matrix()["warnings"]}
        assert warnings == {
            "Management review": [
                "2 roles are accountable (A); keep one", "nobody is responsible (R)"
            ]
        }  # fmt: skip
        roles.set_cell(p2, im, "R")
        assert selectors.raci_matrix()["warnings"] == []
        roles.set_cell(p1, top, "C")
        warnings = {w.process.name: w.problems for w in selectors.raci_matrix()["warnings"]}
        assert warnings == {"Internal audit": ["nobody is accountable (A)"]}


def test_deleting_a_role_or_process_removes_its_cells(org_a, system_actor):
    with org_context(org_a):
        role = IsmsRole.objects.get(name="Internal auditor")
        assert RaciAssignment.objects.filter(role=role).exists()
        roles.delete_role(role)
        assert not RaciAssignment.objects.filter(role_id=role.pk).exists()
        process = IsmsProcess.objects.get(name="Objectives")
        roles.delete_process(process)
        assert not RaciAssignment.objects.filter(process_id=process.pk).exists()


def test_commitments_record_who_and_validate(org_a, members_a):
    manager = members_a[Role.ISMS_MANAGER]
    with org_context(org_a), acting_as(manager):
        item = commitments.create_commitment(
            {"date": "2025-03-01", "kind": "resource", "title": " Budget granted ",
             "amount": "45,000", "effort_days": 12.5, "decided_by": "Board"},
            user=manager,
        )  # fmt: skip
        assert (item.title, item.amount, item.effort_days) == (
            "Budget granted",
            Decimal("45000"),
            Decimal("12.5"),
        )
        assert item.recorded_by == manager and item.date == dt.date(2025, 3, 1)
        for bad, field in (
            ({"title": ""}, "title"),
            ({"kind": "bribe"}, "kind"),
            ({"date": "yesterday"}, "date"),
            ({"amount": "-1"}, "amount"),
            ({"amount": "lots"}, "amount"),
            ({"amount": "1.234"}, "amount"),
            ({"effort_days": "1e20"}, "effort_days"),
        ):
            with pytest.raises(ValidationError) as exc:
                commitments.update_commitment(Commitment.objects.get(pk=item.pk), bad)
            assert field in exc.value.message_dict, bad
        updated = commitments.update_commitment(item, {"amount": None, "kind": "decision"})
        assert updated.amount is None and updated.recorded_by == manager
        totals = selectors.commitment_totals(selectors.commitments({"year": "2025"}))
        assert totals == {"amount": Decimal("0"), "effort_days": Decimal("12.5")}
        assert selectors.commitment_years() == [2025]
        commitments.delete_commitment(updated)
        assert not Commitment.objects.exists()
