"""Pages for the risk method, the asset inventory and the threat/vulnerability libraries."""

from __future__ import annotations

from typing import Any

import pytest

from openisms.catalogue.models import Requirement
from openisms.core.context import org_context
from openisms.core.models import Approval
from openisms.core.permissions import Role
from openisms.risk.models import (
    Asset,
    ClassificationLevel,
    Methodology,
    MethodologyStatus,
    Risk,
    RiskScoreHistory,
    Threat,
    Vulnerability,
)
from openisms.risk.services.assets import create_asset
from openisms.risk.services.risks import create_risk
from tests.conftest import login, person_of

pytestmark = pytest.mark.django_db

BASE = "/o/alpha/risk"


def form_data(form: Any, **changes: Any) -> dict[str, Any]:
    """What a browser would post back for ``form`` as rendered, with ``changes`` applied."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    data.update({k: v for k, v in changes.items()})
    return data


FOUR = {
    "l": ["Seldom", "Sometimes", "Often", "Constantly"],
    "i": ["Small", "Noticeable", "Serious", "Disastrous"],
}


def propose_four_by_four(client, note: str = "Simpler 4 × 4 scales") -> Any:
    page = client.get(f"{BASE}/method/edit/?likelihood=4&impact=4")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.draft.sizes == (4, 4)
    changes = {"note": note}
    for prefix, labels in FOUR.items():
        for i, label in enumerate(labels, start=1):
            changes[f"{prefix}{i}_label"] = label
            changes[f"{prefix}{i}_description"] = f"{label} (own words)"
    return client.post(f"{BASE}/method/edit/", form_data(form, **changes))


# -- methodology ----------------------------------------------------------------------------


def test_method_page_shows_method_in_force_for_a_viewer(members_a):
    body = login(members_a[Role.VIEWER]).get(f"{BASE}/method/").content.decode()
    assert "In force: v1" in body
    assert "Not yet approved" in body
    for text in ("Almost certain", "Severe", "Critical", "Every 12 months", "Version history"):
        assert text in body
    assert 'fill="#c62828"' in body  # the matrix is drawn with SVG fills
    assert "style=" not in body  # strict CSP: no inline styles
    assert "Approve v1" not in body and "Propose a change" not in body


def test_role_gates_on_the_method(members_a):
    for role in (Role.VIEWER, Role.AUDITOR, Role.CONTRIBUTOR, Role.APPROVER):
        assert login(members_a[role]).get(f"{BASE}/method/edit/").status_code == 403, role
    for role in (Role.VIEWER, Role.CONTRIBUTOR, Role.ISMS_MANAGER):
        response = login(members_a[role]).post(f"{BASE}/method/1/decide/", {"decision": "approve"})
        assert response.status_code == 403, role
    assert login(members_a[Role.ISMS_MANAGER]).get(f"{BASE}/method/edit/").status_code == 200
    approver = login(members_a[Role.APPROVER])
    assert "Approve v1" in approver.get(f"{BASE}/method/").content.decode()
    assert approver.get(f"{BASE}/method/1/decide/").status_code == 405


def test_resizing_scales_the_matrix_and_keeps_the_extremes(members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    response = client.get(
        f"{BASE}/method/edit/?likelihood=3&impact=4", headers={"HX-Request": "true"}
    )
    form = response.context["form"]
    assert form.draft.sizes == (3, 4)
    assert [p["label"] for p in form.draft.likelihood] == ["Rare", "Possible", "Almost certain"]
    levels = [lv["key"] for lv in form.draft.levels]
    assert levels[form.draft.matrix[0][0]] == "low"  # lowest corner stays lowest
    assert levels[form.draft.matrix[2][3]] == "critical"  # highest corner stays highest
    body = response.content.decode()
    assert 'name="m3_4"' in body and 'name="m4_1"' not in body
    # What the author typed survives a redraw.
    typed = form_data(form, l1_label="Hardly ever", note="Work in progress", impact="5")
    before = Methodology.unscoped.count()
    redrawn = client.post(
        f"{BASE}/method/edit/", {**typed, "refresh": "1"}, headers={"HX-Request": "true"}
    )
    assert Methodology.unscoped.count() == before
    draft = redrawn.context["form"].draft
    assert draft.sizes == (3, 5) and draft.likelihood[0]["label"] == "Hardly ever"
    assert draft.note == "Work in progress"
    # Growing leaves the new in-between points for the author to name.
    grown = client.get(f"{BASE}/method/edit/?likelihood=9&impact=5").context["form"].draft
    assert [bool(p["label"]) for p in grown.likelihood] == [True, False] * 4 + [True]


def test_propose_a_4x4_method_shows_the_draft(members_a):
    manager = login(members_a[Role.ISMS_MANAGER])
    response = propose_four_by_four(manager)
    assert response.status_code == 302, response.context["form"].errors
    draft = Methodology.unscoped.get(status=MethodologyStatus.DRAFT)
    assert draft.version == 2 and draft.created_by == members_a[Role.ISMS_MANAGER]
    assert [p["label"] for p in draft.data["likelihood"]] == FOUR["l"]
    assert len(draft.data["matrix"]) == 4 and len(draft.data["matrix"][0]) == 4
    body = login(members_a[Role.VIEWER]).get(f"{BASE}/method/").content.decode()
    assert "Draft v2 — awaiting approval" in body and "Disastrous" in body
    assert "Simpler 4 × 4 scales" in body
    # Proposing again revises the one draft rather than piling up versions.
    again = propose_four_by_four(manager, note="Second thoughts")
    assert again.status_code == 302
    assert Methodology.unscoped.filter(status=MethodologyStatus.DRAFT).count() == 1


def test_invalid_method_shows_every_message_and_creates_nothing(members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    form = client.get(f"{BASE}/method/edit/").context["form"]
    before = Methodology.unscoped.count()
    data = form_data(form, l2_label="Rare", lv1_colour="red", note="Broken")
    response = client.post(f"{BASE}/method/edit/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The likelihood labels must differ from each other." in body
    assert "needs a colour like #c62828" in body
    # Sizes changed without the grid being redrawn (no script): redraw, save nothing.
    unsized = client.post(f"{BASE}/method/edit/", form_data(form, likelihood="3", note="x"))
    assert unsized.status_code == 200 and unsized.context["form"].draft.sizes == (3, 5)
    assert "The grid is now 3 × 5" in unsized.content.decode()
    missing = client.post(f"{BASE}/method/edit/", form_data(form, m1_1="", note="x"))
    assert "Matrix cell likelihood 1 × impact 1 has no valid level." in missing.content.decode()
    assert Methodology.unscoped.count() == before


def test_level_keys_can_be_renamed_and_levels_added(members_a):
    client = login(members_a[Role.ISMS_MANAGER])
    form = client.get(f"{BASE}/method/edit/").context["form"]
    assert len(form.rows) == 5  # four levels and a free row
    data = form_data(
        form, lv1_key="minor", lv5_key="extreme", lv5_name="Extreme", lv5_colour="#4a0000",
        lv5_roles=["owner"], note="Adds an extreme level",
    )  # fmt: skip
    before = Methodology.unscoped.count()
    redrawn = client.post(f"{BASE}/method/edit/", {**data, "refresh": "1"}).context["form"]
    assert len(redrawn.rows) == 6 and Methodology.unscoped.count() == before
    data = form_data(redrawn, m5_5="5", acceptance_threshold="1")
    assert client.post(f"{BASE}/method/edit/", data).status_code == 302
    saved = Methodology.unscoped.get(status=MethodologyStatus.DRAFT).data
    assert [lv["key"] for lv in saved["levels"]][0] == "minor"
    assert saved["matrix"][0][0] == "minor" and saved["matrix"][4][4] == "extreme"
    assert saved["acceptance_threshold"] == "minor"


def test_approval_puts_the_draft_in_force_and_rescores(members_a, org_a):
    with org_context(org_a):
        high = create_risk({"title": "Ransomware", "inherent_likelihood": 5, "inherent_impact": 5,
                            "residual_likelihood": 3, "residual_impact": 4})  # fmt: skip
        low = create_risk({"title": "Typo", "inherent_likelihood": 1, "inherent_impact": 1})
    assert propose_four_by_four(login(members_a[Role.ISMS_MANAGER])).status_code == 302
    approver = login(members_a[Role.APPROVER])
    assert "Approve v2" in approver.get(f"{BASE}/method/").content.decode()
    response = approver.post(f"{BASE}/method/2/decide/", {"decision": "approve"}, follow=True)
    body = response.content.decode()
    assert "approved and now in force; 2 risks re-scored" in body
    assert "In force: v2" in body and "Approved</span> by a-approver" in body
    v1, v2 = (Methodology.unscoped.get(organisation=org_a, version=v) for v in (1, 2))
    assert (v1.status, v2.status) == (MethodologyStatus.SUPERSEDED, MethodologyStatus.CURRENT)
    high.refresh_from_db()
    low.refresh_from_db()
    assert high.methodology_id == v2.pk == low.methodology_id
    assert (high.inherent_likelihood, high.inherent_impact) == (4, 4)
    assert (low.inherent_likelihood, low.inherent_impact) == (1, 1)
    for risk in (high, low):
        versions = set(
            RiskScoreHistory.unscoped.filter(risk=risk).values_list(
                "methodology_version", flat=True
            )
        )
        assert versions == {1, 2}


def test_author_cannot_approve_own_draft_and_rejection_needs_a_reason(members_a):
    owner = login(members_a[Role.OWNER])  # may both change and approve the method
    assert propose_four_by_four(owner).status_code == 302
    refused = owner.post(f"{BASE}/method/2/decide/", {"decision": "approve"}, follow=True)
    assert "segregation of duties" in refused.content.decode()
    assert Methodology.unscoped.get(version=2).status == MethodologyStatus.DRAFT
    approver = login(members_a[Role.APPROVER])
    silent = approver.post(f"{BASE}/method/2/decide/", {"decision": "reject"}, follow=True)
    assert "Say why you reject it" in silent.content.decode()
    assert not Approval.unscoped.filter(decision="rejected").exists()
    reasoned = approver.post(
        f"{BASE}/method/2/decide/", {"decision": "reject", "comment": "Keep five points"},
        follow=True,
    )  # fmt: skip
    body = reasoned.content.decode()
    assert "Rejected</span> by a-approver" in body and "Keep five points" in body
    assert Methodology.unscoped.get(version=2).status == MethodologyStatus.DRAFT
    assert approver.post(f"{BASE}/method/9/decide/", {"decision": "approve"}).status_code == 404
    in_force = approver.post(
        f"{BASE}/method/1/decide/", {"decision": "reject", "comment": "no"}, follow=True
    )
    assert "Only a draft can be rejected" in in_force.content.decode()


def test_the_method_in_force_can_be_signed_off(members_a):
    approver = login(members_a[Role.APPROVER])
    approver.post(f"{BASE}/method/1/decide/", {"decision": "approve", "comment": "ok"})
    body = login(members_a[Role.VIEWER]).get(f"{BASE}/method/").content.decode()
    assert "Approved</span> by a-approver" in body


# -- assets ---------------------------------------------------------------------------------


def test_asset_pages_empty_state(members_a):
    viewer = login(members_a[Role.VIEWER]).get(f"{BASE}/assets/").content.decode()
    assert "No assets yet" in viewer and "A.5.9" in viewer
    assert "Add an asset" not in viewer and "Import from a spreadsheet" not in viewer
    manager = login(members_a[Role.ISMS_MANAGER]).get(f"{BASE}/assets/").content.decode()
    assert "Add an asset" in manager and "Import from a spreadsheet" in manager
    assert f"{BASE}/import/assets/" in manager and f"{BASE}/export/assets.csv" in manager
    contributor = login(members_a[Role.CONTRIBUTOR]).get(f"{BASE}/assets/").content.decode()
    assert "Add an asset" in contributor and f"{BASE}/import/assets/" not in contributor


def test_asset_role_gates(members_a, org_a):
    with org_context(org_a):
        asset = create_asset({"name": "CRM", "type": "software"})
    viewer = login(members_a[Role.VIEWER])
    assert viewer.get(f"{BASE}/assets/new/").status_code == 403
    assert viewer.get(f"{BASE}/assets/{asset.pk}/edit/").status_code == 403
    assert viewer.post(f"{BASE}/assets/{asset.pk}/delete/").status_code == 403
    assert (
        login(members_a[Role.CONTRIBUTOR]).post(f"{BASE}/assets/{asset.pk}/delete/").status_code
        == 403
    )
    assert viewer.get(f"{BASE}/assets/{asset.pk}/").status_code == 200


def asset_post(members_a, org_a, **changes: Any) -> dict[str, Any]:
    with org_context(org_a):
        confidential = ClassificationLevel.objects.get(name="Confidential")
    return {
        "name": "Customer database", "type": "information", "description": "All customers",
        "owner": str(person_of(members_a[Role.CONTRIBUTOR]).pk),
        "custodian": str(person_of(members_a[Role.OWNER]).pk),
        "location": "EU data centre", "classification": str(confidential.pk),
        "confidentiality": "5", "integrity": "4", "availability": "3",
        "lifecycle": "in_use", "tags": "crm, Customer data", **changes,
    }  # fmt: skip


def test_asset_create_edit_and_dependencies(members_a, org_a):
    with org_context(org_a):
        server = create_asset({"name": "DB server", "type": "hardware"})
    client = login(members_a[Role.CONTRIBUTOR])
    response = client.post(
        f"{BASE}/assets/new/", asset_post(members_a, org_a, depends_on=[str(server.pk)])
    )
    assert response.status_code == 302
    asset = Asset.unscoped.get(name="Customer database")
    assert (
        asset.owner.user == members_a[Role.CONTRIBUTOR]
        and asset.classification.name == "Confidential"
    )
    assert (asset.confidentiality, asset.integrity, asset.availability) == (5, 4, 3)
    assert asset.tags == ["Customer data", "crm"]
    with org_context(org_a):
        assert list(asset.depends_on.all()) == [server]
    detail = client.get(f"{BASE}/assets/{asset.pk}/").content.decode()
    assert "DB server" in detail and "Add a risk for this asset" in detail
    assert f"{BASE}/register/new/?asset={asset.ref}" in detail
    back = client.get(f"{BASE}/assets/{server.pk}/").content.decode()
    assert "Needed by" in back and "Customer database" in back
    audit = login(members_a[Role.ISMS_MANAGER]).get(f"{BASE}/assets/{asset.pk}/").content.decode()
    assert f"audit-trail/?object_type=risk.asset&amp;object_id={asset.pk}" in audit
    form = client.get(f"{BASE}/assets/{asset.pk}/edit/").context["form"]
    assert form.initial["tags"] == "Customer data, crm"
    assert form.initial["depends_on"] == [server.pk]
    with org_context(org_a):
        choices = set(form.fields["depends_on"].queryset.values_list("pk", flat=True))
    assert server.pk in choices and asset.pk not in choices
    edited = client.post(
        f"{BASE}/assets/{asset.pk}/edit/",
        asset_post(members_a, org_a, lifecycle="returned", tags="", depends_on=[]),
    )
    assert edited.status_code == 302
    asset.refresh_from_db()
    assert asset.lifecycle == "returned" and asset.tags == []
    with org_context(org_a):
        assert not asset.depends_on.exists()
    assert "Returned (A.5.11)" in client.get(f"{BASE}/assets/").content.decode()


def test_asset_validation_messages(members_a, members_b, org_a):
    client = login(members_a[Role.ISMS_MANAGER])
    too_high = client.post(f"{BASE}/assets/new/", asset_post(members_a, org_a, integrity="7"))
    assert too_high.status_code == 200
    assert "Use a whole number from 1 to 5." in too_high.content.decode()
    stranger = client.post(
        f"{BASE}/assets/new/",
        asset_post(members_a, org_a, owner=str(person_of(members_b[Role.OWNER]).pk)),
    )
    assert "Choose a person of the people register." in stranger.content.decode()
    nameless = client.post(f"{BASE}/assets/new/", asset_post(members_a, org_a, name=""))
    assert "This field is required." in nameless.content.decode()
    assert not Asset.unscoped.exists()


def test_asset_delete_is_refused_while_risks_name_it(members_a, org_a):
    with org_context(org_a):
        used = create_asset({"name": "Laptop fleet", "type": "hardware"})
        create_risk({"title": "Stolen laptop", "assets": [used]})
        spare = create_asset({"name": "Old printer", "type": "hardware"})
    client = login(members_a[Role.ISMS_MANAGER])
    refused = client.post(f"{BASE}/assets/{used.pk}/delete/", follow=True)
    assert "still has risks" in refused.content.decode()
    assert "Stolen laptop" in refused.content.decode()  # back on the detail page
    assert Asset.unscoped.filter(pk=used.pk).exists()
    done = client.post(f"{BASE}/assets/{spare.pk}/delete/")
    assert done.status_code == 302
    assert Asset.unscoped.get(pk=spare.pk).deleted_at is not None  # soft-deleted, restorable


def make_assets(org, members, start: int, n: int) -> None:
    with org_context(org):
        levels = list(ClassificationLevel.objects.all())
        for i in range(start, start + n):
            asset = create_asset({
                "name": f"Asset {i}", "type": "software", "owner": members[Role.CONTRIBUTOR],
                "custodian": members[Role.OWNER], "classification": levels[i % len(levels)],
                "tags": f"batch, t{i}",
            })  # fmt: skip
            if i % 3 == 0:
                create_risk({"title": f"Risk {i}", "assets": [asset]})


def test_asset_list_filters_and_counts(members_a, org_a):
    make_assets(org_a, members_a, 0, 6)
    client = login(members_a[Role.VIEWER])
    body = client.get(f"{BASE}/assets/").content.decode()
    assert "6 assets" in body and "Asset 5" in body
    partial = client.get(f"{BASE}/assets/?tag=T3", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert "<html" not in text and "Asset 3" in text and "Asset 4" not in text
    assert "1 asset" in text
    rows = {a.name: a.n_risks for a in partial.context["page"]}
    assert rows == {"Asset 3": 1}
    assert "Asset 2" in client.get(f"{BASE}/assets/?classification=Confidential").content.decode()
    none = client.get(f"{BASE}/assets/?q=nothing-like-this").content.decode()
    assert "No asset matches these filters" in none and "No assets yet" not in none


def test_asset_list_query_count_is_flat(members_a, org_a, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_assets(org_a, members_a, 0, 5)
    client = login(members_a[Role.VIEWER])
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{BASE}/assets/").status_code == 200
    make_assets(org_a, members_a, 5, 195)
    for url in (f"{BASE}/assets/", f"{BASE}/assets/?page=3&type=software"):
        with django_assert_max_num_queries(len(small)):
            response = client.get(url)
        assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 200


# -- libraries ------------------------------------------------------------------------------


def test_library_pages(members_a):
    client = login(members_a[Role.VIEWER])
    threats = client.get(f"{BASE}/library/").content.decode()
    assert "Ransomware attack" in threats and "T01" in threats
    assert "/catalogue/iso27001-2022/A.8.7/" in threats
    assert "Add a threat" not in threats
    vulns = client.get(f"{BASE}/library/?kind=vulnerabilities")
    assert vulns.context["kind"] == "vulnerabilities"
    assert all(isinstance(e, Vulnerability) for e in vulns.context["entries"])
    filtered = client.get(f"{BASE}/library/?kind=threats&category=Environmental").context["entries"]
    assert filtered and {e.category for e in filtered} == {"Environmental"}
    searched = client.get(f"{BASE}/library/?q=phishing").context["entries"]
    assert "Phishing" in [e.name for e in searched]
    assert client.get(f"{BASE}/library/?q=zzzz-none").content.decode().count("Nothing matches") == 1


def test_library_add_and_duplicate_code(members_a, org_a):
    viewer = login(members_a[Role.VIEWER])
    assert viewer.get(f"{BASE}/library/threats/new/").status_code == 403
    client = login(members_a[Role.CONTRIBUTOR])
    assert client.get(f"{BASE}/library/assets/new/").status_code == 404
    control = Requirement.objects.get(framework__slug="iso27001-2022", ref="A.5.7")
    response = client.post(f"{BASE}/library/threats/new/", {
        "code": "T-ORG-1", "name": "Drone surveillance", "category": "Physical",
        "description": "Cameras over the site", "controls": [str(control.pk)],
    })  # fmt: skip
    assert response.status_code == 302
    entry = Threat.unscoped.get(organisation=org_a, code="T-ORG-1")
    assert entry.is_custom and list(entry.controls.values_list("ref", flat=True)) == ["A.5.7"]
    body = client.get(f"{BASE}/library/?q=drone").content.decode()
    assert "Drone surveillance" in body and ">custom</span>" in body
    assert "/catalogue/iso27001-2022/A.5.7/" in body
    before = Threat.unscoped.filter(organisation=org_a).count()
    for code in ("T01", "t-org-1"):
        dup = client.post(f"{BASE}/library/threats/new/",
                          {"code": code, "name": "Again", "category": "Physical"})  # fmt: skip
        assert dup.status_code == 200
        assert f"already has a threat with code “{code}”" in dup.content.decode()
    assert Threat.unscoped.filter(organisation=org_a).count() == before
    vuln = client.post(
        f"{BASE}/library/vulnerabilities/new/",
        {"code": "T01", "name": "Same code, other library", "category": "People"},
    )
    assert vuln.status_code == 302
    assert Vulnerability.unscoped.get(organisation=org_a, code="T01").is_custom


def test_full_pages_render_for_a_viewer(members_a, org_a):
    make_assets(org_a, members_a, 0, 3)
    propose_four_by_four(login(members_a[Role.ISMS_MANAGER]))
    viewer = login(members_a[Role.VIEWER])
    with org_context(org_a):
        asset = Asset.objects.first()
    for url in ("method/", "assets/", f"assets/{asset.pk}/", "library/",
                "library/?kind=vulnerabilities"):  # fmt: skip
        response = viewer.get(f"{BASE}/{url}")
        assert response.status_code == 200, url
        assert "style=" not in response.content.decode(), url
    assert Risk.unscoped.filter(organisation=org_a).count() == 1
