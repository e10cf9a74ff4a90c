"""Control implementation records: the decision and implementation rules, who may change what,
own controls, live risk links, and every SoA validation rule appearing and disappearing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openisms.context.models import Obligation
from openisms.controls import selectors, validation
from openisms.controls.models import Control, Evidence, ImplementationStatus
from openisms.controls.services import records as svc
from openisms.controls.services.setup import ensure_controls
from openisms.core.context import acting_as, org_context
from openisms.core.permissions import Role
from openisms.risk.services.risks import create_risk, update_risk

pytestmark = pytest.mark.django_db
MANAGER = Role.ISMS_MANAGER


@pytest.fixture
def ctx(org_a, members_a):
    with org_context(org_a), acting_as(members_a[MANAGER]):
        ensure_controls()
        yield members_a


def ctl(ref: str) -> Control:
    return selectors.control_rows().get(ref=ref)


def change(control: Control, data: dict, user, role=MANAGER) -> Control:
    return svc.update_control(control, data, user=user, role=role)


def rules(ref: str) -> set[str]:
    return {f.rule for f in validation.findings() if f.control_ref == ref}


def evidence(org, n: int = 1, **fields) -> Evidence:
    e = Evidence.objects.create(organisation=org, ref=f"EV-{n:04d}", title=f"Evidence {n}",
                                kind="note", note="x", **fields)  # fmt: skip
    return e


def test_every_organisation_gets_93_annex_a_records(ctx, org_a):
    assert Control.objects.exclude(requirement=None).count() == 93
    assert ensure_controls() == 0
    assert selectors.progress()["annex_total"] == 93


def test_exclusion_needs_a_justification_and_sets_not_applicable(ctx):
    user = ctx[MANAGER]
    control = Control.objects.get(ref="A.7.5")
    with pytest.raises(ValidationError) as exc:
        change(control, {"applicable": False}, user)
    assert "exclusion_justification" in exc.value.message_dict
    with pytest.raises(ValidationError):
        change(control, {"applicable": False, "exclusion_justification": "   "}, user)
    change(control, {"applicable": False, "exclusion_justification": "No premises."}, user)
    control.refresh_from_db()
    assert control.applicable is False and control.status == ImplementationStatus.NOT_APPLICABLE
    # Included again: the status goes back to "not started", the justification is cleared.
    change(control, {"applicable": True}, user)
    control.refresh_from_db()
    assert control.status == ImplementationStatus.NOT_STARTED
    assert control.exclusion_justification == ""


def test_applicable_with_status_not_applicable_is_an_error(ctx):
    user = ctx[MANAGER]
    control = Control.objects.get(ref="A.5.1")
    with pytest.raises(ValidationError) as exc:
        change(control, {"applicable": True, "status": "not_applicable"}, user)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError):
        change(control, {"status": "not_applicable"}, user)
    with pytest.raises(ValidationError):
        change(control, {"status": "finished"}, user)


def test_owner_must_be_member_and_links_must_be_of_the_organisation(ctx, org_b, members_b):
    user = ctx[MANAGER]
    control = Control.objects.get(ref="A.5.1")
    with pytest.raises(ValidationError) as exc:
        change(control, {"owner": members_b[Role.OWNER]}, user)
    assert "owner" in exc.value.message_dict
    with org_context(org_b):
        foreign = Obligation.objects.create(organisation=org_b, ref="CR-0001", title="B law",
                                            source="law")  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        change(control, {"obligations": [foreign]}, user)
    assert "obligations" in exc.value.message_dict


def test_contributor_changes_only_the_implementation_of_own_controls(ctx):
    contributor = ctx[Role.CONTRIBUTOR]
    mine = Control.objects.get(ref="A.8.24")
    other = Control.objects.get(ref="A.8.25")
    change(mine, {"owner": contributor, "applicable": True, "business_need": "x"}, ctx[MANAGER])
    mine.refresh_from_db()
    as_contrib = {"user": contributor, "role": Role.CONTRIBUTOR}
    svc.update_control(mine, {"status": "partial", "implementation": "TLS 1.3",
                              "target_date": dt.date(2030, 1, 1)}, **as_contrib)  # fmt: skip
    mine.refresh_from_db()
    assert (mine.status, mine.implementation) == ("partial", "TLS 1.3")
    for data in ({"applicable": False}, {"owner": None}, {"business_need": "y"}):
        with pytest.raises(PermissionDenied):
            svc.update_control(mine, data, **as_contrib)
    with pytest.raises(PermissionDenied):
        svc.update_control(mine, {"status": "not_applicable"}, **as_contrib)
    with pytest.raises(PermissionDenied):
        svc.update_control(other, {"status": "planned"}, **as_contrib)
    with pytest.raises(PermissionDenied):
        svc.update_control(mine, {"status": "planned"}, user=ctx[Role.VIEWER], role=Role.VIEWER)


def test_own_controls_refs_mapping_and_list(ctx, org_a):
    user = ctx[MANAGER]
    made = svc.create_own_control({"title": "Code review", "maps_to": ["A.8.28", "A.8.25"]},
                                  user=user, role=MANAGER)  # fmt: skip
    assert made.ref == "CTRL-001" and made.is_own and made.order > 1000
    named = svc.create_own_control({"ref": "ORG-7", "title": "Clean room", "maps_to": ["A.7.1"]},
                                   user=user, role=MANAGER)  # fmt: skip
    assert named.ref == "ORG-7"
    for data, field in (
        ({"ref": "A.9.9", "title": "x", "maps_to": ["A.5.1"]}, "ref"),
        ({"ref": "ORG-7", "title": "x", "maps_to": ["A.5.1"]}, "ref"),
        ({"title": "x", "maps_to": []}, "maps_to"),
        ({"title": "x", "maps_to": ["A.99.1"]}, "maps_to"),
        ({"title": "", "maps_to": ["A.5.1"]}, "title"),
    ):
        with pytest.raises(ValidationError) as exc:
            svc.create_own_control(data, user=user, role=MANAGER)
        assert field in exc.value.message_dict, data
    with pytest.raises(PermissionDenied):
        svc.create_own_control({"title": "x", "maps_to": ["A.5.1"]}, user=ctx[Role.CONTRIBUTOR],
                               role=Role.CONTRIBUTOR)  # fmt: skip
    refs = [c.ref for c in selectors.control_rows({"theme": "own"})]
    assert refs == ["CTRL-001", "ORG-7"]
    # Own controls appear in the whole list (after Annex A) and in attribute filters by mapping.
    assert [c.ref for c in selectors.control_rows()][-2:] == ["CTRL-001", "ORG-7"]
    physical = [c.ref for c in selectors.control_rows({"attribute": "security_domains=Protection"})]
    assert "ORG-7" in physical and "A.7.1" in physical
    svc.update_own_control(named, {"title": "Clean rooms", "maps_to": ["A.7.2"]}, user=user,
                           role=MANAGER)  # fmt: skip
    named.refresh_from_db()
    assert named.title == "Clean rooms" and [r.ref for r in named.maps_to.all()] == ["A.7.2"]
    with pytest.raises(ValidationError):
        svc.delete_own_control(Control.objects.get(ref="A.5.1"), role=MANAGER)
    svc.delete_own_control(named, role=MANAGER)
    assert not Control.objects.filter(ref="ORG-7").exists()


def test_risks_are_linked_live(ctx):
    risk = create_risk({"title": "Data intercepted", "controls": ["A.8.24"]})
    assert ctl("A.8.24").n_risks == 1
    assert [r.ref for r in selectors.risks_for(ctl("A.8.24"))] == [risk.ref]
    own = svc.create_own_control({"title": "Crypto", "maps_to": ["A.8.24", "A.8.5"]},
                                 user=ctx[MANAGER], role=MANAGER)  # fmt: skip
    assert ctl(own.ref).n_risks == 1
    create_risk({"title": "Weak login", "controls": ["A.8.5", "A.8.24"]})
    assert ctl(own.ref).n_risks == 2 and ctl("A.8.24").n_risks == 2
    update_risk(risk, {"controls": []})
    assert ctl("A.8.24").n_risks == 1


def test_filters(ctx):
    user = ctx[MANAGER]
    change(Control.objects.get(ref="A.5.1"), {"applicable": True, "owner": user,
                                              "status": "implemented"}, user)  # fmt: skip
    change(Control.objects.get(ref="A.7.5"), {"applicable": False,
                                              "exclusion_justification": "x"}, user)  # fmt: skip
    assert selectors.control_rows({"theme": "People"}).count() == 8
    assert selectors.control_rows({"theme": "Technological"}).count() == 34
    assert [c.ref for c in selectors.control_rows({"applicability": "yes"})] == ["A.5.1"]
    assert [c.ref for c in selectors.control_rows({"applicability": "no"})] == ["A.7.5"]
    assert selectors.control_rows({"applicability": "undecided"}).count() == 91
    assert [c.ref for c in selectors.control_rows({"owner": user.username})] == ["A.5.1"]
    assert [c.ref for c in selectors.control_rows({"status": "implemented"})] == ["A.5.1"]
    assert selectors.control_rows({"owner": "none"}).count() == 92
    assert [c.ref for c in selectors.control_rows({"q": "cryptography"})] == ["A.8.24"]
    assert selectors.control_rows({"attribute": "control_type=Corrective"}).count() > 0
    assert [c.ref for c in selectors.my_controls(user)] == ["A.5.1"]
    p = selectors.progress()
    assert p["annex_decided"] == 2 and p["implemented"] == 1
    assert p["by_theme"]["Physical"]["not_applicable"] == 1


def test_every_validation_rule_appears_and_disappears(ctx, org_a):
    user = ctx[MANAGER]
    today = timezone.localdate()
    a = Control.objects.get(ref="A.5.15")
    assert "undecided" in rules("A.5.15")
    change(a, {"applicable": True}, user)
    assert rules("A.5.15") == {"unlinked", "no_owner"}
    change(a, {"business_need": "Customers ask for it."}, user)
    assert rules("A.5.15") == {"no_owner"}
    change(a, {"business_need": ""}, user)
    create_risk({"title": "Unauthorised access", "controls": ["A.5.15"]})
    assert "unlinked" not in rules("A.5.15")
    change(a, {"owner": user}, user)
    assert rules("A.5.15") == set()
    change(a, {"status": "implemented"}, user)
    assert rules("A.5.15") == {"no_evidence"}
    old = evidence(org_a, 1, valid_until=today - dt.timedelta(days=1))
    old.controls.add(a)
    assert rules("A.5.15") == {"expired_evidence"}
    old.valid_until = today + dt.timedelta(days=30)
    old.save()
    assert rules("A.5.15") == set()
    change(a, {"status": "planned", "target_date": today - dt.timedelta(days=1)}, user)
    assert rules("A.5.15") == {"overdue"}
    change(a, {"target_date": today}, user)
    assert rules("A.5.15") == set()
    # An exclusion without a justification (data written before the rule, or imported).
    b = Control.objects.get(ref="A.7.4")
    Control.objects.filter(pk=b.pk).update(applicable=False, status="not_applicable")
    assert rules("A.7.4") == {"no_justification"}
    change(b, {"applicable": False, "exclusion_justification": "Office only."}, user)
    assert rules("A.7.4") == set()
    # Obligations count as a reason to include.
    c = Control.objects.get(ref="A.5.31")
    change(c, {"applicable": True, "owner": user}, user)
    assert rules("A.5.31") == {"unlinked"}
    law = Obligation.objects.create(organisation=org_a, ref="CR-0001", title="GDPR", source="law")
    change(c, {"obligations": [law]}, user)
    # A requirement of the register requires it, yet it is "not started": a warning now.
    assert rules("A.5.31") == {"not_started_in_place"}
    change(c, {"status": "planned"}, user)
    assert rules("A.5.31") == set()
    groups = {g["rule"]: g["count"] for g in validation.grouped(validation.findings())}
    assert set(groups) == set(validation.RULES) and groups["undecided"] == 90
    finding = next(f for f in validation.findings() if f.control_ref == "A.5.1")
    assert finding.link.endswith(f"/controls/{Control.objects.get(ref='A.5.1').pk}/")


def test_demo_soa_is_realistic_and_built_once(db):
    from openisms.controls.hooks_records import DEMO_EXCLUSIONS, build_demo
    from openisms.core.demo import ensure_demo

    org = ensure_demo().organisation
    with org_context(org):
        excluded = Control.objects.filter(applicable=False)
        assert sorted(c.ref for c in excluded) == sorted(DEMO_EXCLUSIONS)
        assert all(c.exclusion_justification for c in excluded)
        assert not Control.objects.filter(applicable=None).exists()
        statuses = set(Control.objects.values_list("status", flat=True))
        assert {"implemented", "partial", "planned", "not_started"} <= statuses
        found = {f.rule for f in validation.findings()}
        assert "no_justification" not in found and "undecided" not in found
        assert "overdue" in found  # A.8.8 is late on purpose
        # The SoA reads the links the document and requirements registers made (issue 9).
        from openisms.controls.soa_rows import build_rows

        rows = build_rows()
        assert sum(bool(r["documents"]) for r in rows) >= 10
        assert sum("Required by" in r["justification"] for r in rows) >= 10
        before = list(Control.objects.values_list("updated_at", flat=True))
        build_demo(org)
        assert list(Control.objects.values_list("updated_at", flat=True)) == before
